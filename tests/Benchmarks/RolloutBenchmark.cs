using RobotHost.Recording;
using RobotHost.Rollout;
using RobotHost.Training;

namespace RobotHost.Benchmarks;

/// <summary>
/// The 30 Hz control loop with a real network in it: ACT (small preset) trained briefly on simulated pick_place data
/// (the weights do not change the cost), its batch-1 latency with one and with two 96×96 cameras, then
/// <see cref="RobotRollout"/> on the simulated follower with both cameras, once waiting for inference inside the tick
/// and once with inference one tick ahead (the default). Args: [ahead-seconds=600] [sync-seconds=120] [name=value…]
/// (config overrides of the ACT small preset, e.g. <c>vision_backbone_stages=4</c>; <c>rollout 0 0</c> measures latency only).
/// </summary>
internal static class RolloutBenchmark
{
    public static void Run(string[] args)
    {
        var aheadSeconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 600;
        var syncSeconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 120;
        var overrides = args.Skip(2).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var home = Directory.CreateTempSubdirectory("rh-bench-rollout").FullName;
        using var session = Machine.StartHost(home);
        Learning.TorchRuntime.Initialize();
        var small = new Dictionary<string, string> { ["width"] = "96", ["height"] = "96" };

        Console.WriteLine($"| act small{string.Concat(overrides.Select(o => $", {o.Key}={o.Value}"))}, batch 1, forced query | p50 | p99 |");
        Console.WriteLine("|---|---|---|");
        string? twoCameras = null;
        foreach (var cameras in new[] { new[] { "sim_front" }, ["sim_front", "sim_wrist"] })
        {
            var options = cameras.Select(_ => small).ToArray();
            var data = new Recorder(session.CreateLogger("RobotHost.Recording")).Record(session, new RecordOptions
            {
                RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = cameras, CameraOptions = options,
                Root = Path.Combine(home, $"data-{cameras.Length}"), Episodes = 4, EpisodeTimeS = 10, ResetTimeS = 0, Fps = 30, Realtime = false, Task = "benchmark",
            });
            var run = TrainingRunner.Train(session, new TrainOptions
            {
                DatasetRoot = data.Root, PolicyKey = "act", Preset = "small", ConfigOverrides = overrides, Steps = 20, OutputDir = Path.Combine(home, $"act-{cameras.Length}"),
            });
            using var policy = PolicyLoader.Load(session, run.LastCheckpoint);
            var latency = LearningBenchmark.Latency(policy, LearningBenchmark.Observations(session, 20, cameras), 200);
            Console.WriteLine($"| {string.Join(" + ", cameras)} 96×96 | {Machine.Percentile(latency, 50):F1} ms | {Machine.Percentile(latency, 99):F1} ms |");
            if (cameras.Length == 2) twoCameras = run.LastCheckpoint;
        }

        foreach (var (ahead, seconds) in new[] { (false, syncSeconds), (true, aheadSeconds) })
        {
            if (seconds <= 0) continue;
            Console.WriteLine();
            Console.WriteLine($"### 30 Hz rollout, sim_front + sim_wrist 96×96, act small, inference {(ahead ? "one tick ahead (default)" : "inside the tick (--sync-inference)")}, {seconds:F0} s");
            var result = RobotRollout.Run(session, [twoCameras!], "sim_so101", new Dictionary<string, string>(), ["sim_front", "sim_wrist"], [small, small],
                new RolloutOptions { Fps = 30, DurationSeconds = seconds, WatchdogMs = 200, InferenceAhead = ahead }, null, CancellationToken.None);
            LearningBenchmark.PrintLoop(result);
        }
        Directory.Delete(home, recursive: true);
    }
}
