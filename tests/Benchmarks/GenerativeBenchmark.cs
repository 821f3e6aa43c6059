using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Learning.Policies;
using RobotHost.Plugins;
using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Benchmarks;

/// <summary>
/// Diffusion and flow-matching policies loaded as plugins, as the host loads them: train step time (batch 64) and
/// batch-1 sampling latency (one <c>PredictActionChunk</c>, i.e. one sample of the whole chunk) for DDPM-100,
/// DDIM-10, flow Euler 10/2/1 and midpoint 5, state-only and with one 96×96 camera (small preset), and the paper-size
/// network. Sampling runs on <c>inference-threads</c> libtorch threads (the policies' default, 1), training on
/// <c>train-threads</c>. Args: [inference-threads=1] [train-threads=2].
/// </summary>
internal static class GenerativeBenchmark
{
    internal static readonly FeatureSpec State = FeatureSpec.Vector(FeatureKeys.State, ["x", "y"]);
    internal static readonly FeatureSpec Action = FeatureSpec.Vector(FeatureKeys.Action, ["x", "y"]);
    internal static readonly FeatureSpec Top = FeatureSpec.Video(FeatureKeys.Image("top"), 96, 96);

    /// <summary>The built policy plugins, loaded as the host loads them.</summary>
    internal static ComponentCatalog LoadCatalog()
    {
        var host = new PluginHost([Path.Combine(Machine.RepoRoot(), "artifacts", "bin", "plugins")], NullLoggerFactory.Instance);
        host.LoadAll();
        return new ComponentCatalog(host, new HostPluginContext(NullLoggerFactory.Instance, Path.GetTempPath()));
    }

    public static void Run(string[] args)
    {
        var inferenceThreads = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var trainThreads = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        Learning.TorchRuntime.Initialize();
        _inferenceThreads = inferenceThreads;
        torch.set_num_threads(trainThreads);
        var catalog = LoadCatalog();
        ITrainablePolicyFactory Factory(string key) => (ITrainablePolicyFactory)catalog.Policy(key);
        var diffusion = Factory("diffusion");
        var flow = Factory("flow_matching");
        Console.WriteLine($"libtorch threads: {inferenceThreads} sampling, {trainThreads} training; times are medians (p90 in brackets)");
        Console.WriteLine();
        Console.WriteLine("| policy / preset | inputs | sampler | network evals | sample latency, batch 1 | train step, batch 64 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var camera in new[] { false, true })
        {
            var features = new PolicyFeatures(State, camera ? [Top] : [], Action, 30);
            var inputs = camera ? "state + 96×96 camera" : "state";
            var train = (camera ? 5 : 20);
            Row(diffusion, "small", features, inputs, new() { ["noise_scheduler"] = "ddpm", ["num_inference_steps"] = "100" }, "DDPM 100", 100, train);
            Row(diffusion, "small", features, inputs, new() { ["noise_scheduler"] = "ddim", ["num_inference_steps"] = "10" }, "DDIM 10", 10, 0);
            Row(flow, "small", features, inputs, new() { ["num_inference_steps"] = "10" }, "Euler 10", 10, train);
            Row(flow, "small", features, inputs, new() { ["num_inference_steps"] = "2" }, "Euler 2", 2, 0);
            Row(flow, "small", features, inputs, new() { ["num_inference_steps"] = "1" }, "Euler 1", 1, 0);
            Row(flow, "small", features, inputs, new() { ["integrator"] = "midpoint", ["num_inference_steps"] = "5" }, "midpoint 5", 10, 0);
        }
        var stateOnly = new PolicyFeatures(State, [], Action, 30);
        Row(diffusion, "paper", stateOnly, "state", new() { ["num_inference_steps"] = "10" }, "DDIM 10", 10, 2, batch: 8);
    }

    private static int _inferenceThreads;

    private static void Row(ITrainablePolicyFactory factory, string preset, PolicyFeatures features, string inputs,
        Dictionary<string, string> options, string sampler, int evaluations, int trainSteps, int batch = 64)
    {
        var config = (PolicyConfig)ConfigBinder.Bind(factory.ConfigType, factory.PolicyType, options, factory.CreateConfig(preset));
        torch.manual_seed(1);
        using var model = factory.CreateModel(config, features);
        var nObs = model.ObservationSteps;
        var latency = new List<double>();
        model.eval();
        using (no_grad())
        using (Learning.TorchRuntime.UseThreads(_inferenceThreads))
        {
            for (var i = 0; i < 23; i++)
            {
                using var scope = NewDisposeScope();
                var observation = Batch(features, 1, nObs, null);
                var sw = Stopwatch.StartNew();
                model.PredictActionChunk(observation);
                if (i >= 3) latency.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        var trainCell = "—";
        if (trainSteps > 0)
        {
            model.train();
            using var optimizer = optim.Adam(model.parameters(), lr: 1e-4);
            var times = new List<double>();
            for (var i = 0; i < trainSteps + 1; i++)
            {
                using var scope = NewDisposeScope();
                var data = Batch(features, batch, nObs, model.ActionHorizon);
                var sw = Stopwatch.StartNew();
                optimizer.zero_grad();
                model.ComputeLoss(data).Loss.backward();
                optimizer.step();
                if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
            }
            trainCell = $"{Machine.Percentile(times, 50):F0} ms" + (batch != 64 ? $" (batch {batch})" : "");
        }
        var parameters = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"| {factory.PolicyType} {preset} ({parameters / 1e6:F2} M params) | {inputs} | {sampler} | {evaluations} | " +
                          $"{Machine.Percentile(latency, 50):F1} ms ({Machine.Percentile(latency, 90):F1}) | {trainCell} |");
    }

    internal static PolicyBatch Batch(PolicyFeatures features, int size, int nObs, int? horizon)
    {
        var images = features.Images.ToDictionary(f => f.Key, f => rand([size, nObs, 3, f.Shape[0], f.Shape[1]]));
        return new PolicyBatch
        {
            Size = size,
            State = rand([size, nObs, features.StateDim]) * 2 - 1,
            Images = images,
            Action = horizon is { } h ? rand([size, h, features.ActionDim]) * 2 - 1 : null,
            ActionIsPad = horizon is { } h2 ? zeros([size, h2], dtype: ScalarType.Bool) : null,
        };
    }
}
