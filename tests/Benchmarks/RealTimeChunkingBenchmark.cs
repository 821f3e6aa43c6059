using System.Diagnostics;
using RobotHost.Learning.Policies;
using RobotHost.Plugins;
using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Benchmarks;

/// <summary>
/// What real-time chunking adds per chunk: batch-1 sampling latency of Diffusion (DDIM 10) and flow matching (Euler
/// 10), small preset, state + one 96×96 camera, without a prefix, with a guided prefix (inference-time rtc: a
/// vector-Jacobian product through the U-Net at every step) and with a committed prefix on a network trained with
/// simulated delay (training-time rtc: the prefix is an input, no guidance). The prefix is 24 actions of the previous
/// chunk, 6 frozen. Untrained weights: the cost does not depend on them. Args: [threads=1] [repeats=20].
/// </summary>
internal static class RealTimeChunkingBenchmark
{
    public static void Run(string[] args)
    {
        var threads = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
        Learning.TorchRuntime.Initialize();
        var catalog = GenerativeBenchmark.LoadCatalog();
        var features = new PolicyFeatures(GenerativeBenchmark.State, [GenerativeBenchmark.Top], GenerativeBenchmark.Action, 30);
        Console.WriteLine($"libtorch threads: {threads}; medians of {repeats} chunks (p90 in brackets), after 3 warm-up chunks");
        Console.WriteLine();
        Console.WriteLine("| policy (small, state + 96×96 camera) | no prefix | rtc, guided | added by guidance | rtc, trained with delay (conditioned) | added by conditioning |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (key, sampler) in new[] { ("diffusion", "DDIM 10"), ("flow_matching", "Euler 10") })
        {
            var factory = (ITrainablePolicyFactory)catalog.Policy(key);
            var options = key == "diffusion" ? new Dictionary<string, string> { ["noise_scheduler"] = "ddim", ["num_inference_steps"] = "10" } : new() { ["num_inference_steps"] = "10" };
            var (plain, guided) = Measure(factory, features, options, threads, repeats);
            var (_, conditioned) = Measure(factory, features, new Dictionary<string, string>(options) { ["rtc_training_max_delay"] = "12" }, threads, repeats);
            static string Cell((double P50, double P90) t) => $"{t.P50:F1} ms ({t.P90:F1})";
            Console.WriteLine($"| {key} {sampler} | {Cell(plain)} | {Cell(guided)} | ×{guided.P50 / plain.P50:F2} | {Cell(conditioned)} | ×{conditioned.P50 / plain.P50:F2} |");
        }
    }

    /// <summary>Latency without a prefix and with one, on one model.</summary>
    private static ((double P50, double P90) Plain, (double P50, double P90) Prefixed) Measure(ITrainablePolicyFactory factory, PolicyFeatures features,
        Dictionary<string, string> options, int threads, int repeats)
    {
        var config = (PolicyConfig)ConfigBinder.Bind(factory.ConfigType, factory.PolicyType, options, factory.CreateConfig("small"));
        torch.manual_seed(1);
        using var model = factory.CreateModel(config, features);
        model.eval();
        var plain = new List<double>();
        var prefixed = new List<double>();
        using (no_grad())
        using (Learning.TorchRuntime.UseThreads(threads))
        {
            for (var i = 0; i < repeats + 3; i++)
            {
                using var scope = NewDisposeScope();
                var observation = GenerativeBenchmark.Batch(features, 1, model.ObservationSteps, null);
                var sw = Stopwatch.StartNew();
                model.PredictActionChunk(observation);
                if (i >= 3) plain.Add(sw.Elapsed.TotalMilliseconds);
                var previous = rand([1, Math.Min(24, model.ChunkLength), features.ActionDim]) * 2 - 1;
                sw.Restart();
                model.PredictActionChunk(observation, new ActionPrefix(previous, 6));
                if (i >= 3) prefixed.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        return ((Machine.Percentile(plain, 50), Machine.Percentile(plain, 90)), (Machine.Percentile(prefixed, 50), Machine.Percentile(prefixed, 90)));
    }
}
