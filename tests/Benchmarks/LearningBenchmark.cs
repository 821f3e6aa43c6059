using System.Diagnostics;
using RobotHost.Recording;
using RobotHost.Rollout;
using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Benchmarks;

/// <summary>
/// The learning core as a user meets it, through the host and the real plugins: a pick_place dataset recorded on the
/// simulated rig (state + two 96×96 cameras), then for MLP and ACT (small preset; ACT also at paper size) the train
/// step time and data-wait fraction from <see cref="TrainingRunner"/>, batch-1 inference latency of a forced query
/// (Reset then SelectAction, so every call runs the network), native memory (RSS) across thousands of inference calls
/// and training steps, and a 30 Hz rollout on the simulated follower with both cameras and the ACT small policy in the
/// loop (period, jitter, overruns). Args: [train-steps=200] [rollout-seconds=120].
/// </summary>
internal static class LearningBenchmark
{
    public static void Run(string[] args)
    {
        var trainSteps = args.Length > 0 ? int.Parse(args[0]) : 200;
        var rolloutSeconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 120;
        var home = Directory.CreateTempSubdirectory("rh-bench-learn").FullName;
        using var session = Machine.StartHost(home);
        Learning.TorchRuntime.Initialize();
        var small = new Dictionary<string, string> { ["width"] = "96", ["height"] = "96" };
        var data = new Recorder(session.CreateLogger("RobotHost.Recording")).Record(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front", "sim_wrist"], CameraOptions = [small, small],
            Root = Path.Combine(home, "data"), Episodes = 10, EpisodeTimeS = 30, ResetTimeS = 0, Fps = 30, Realtime = false, Task = "benchmark",
        });
        Console.WriteLine($"dataset: {data.Episodes.Count} pick_place episodes, {data.Frames} frames, state + front + wrist 96×96");
        Console.WriteLine();
        Console.WriteLine("| policy / preset | batch | train step (median of steps 10…N) | data wait: all / first epoch / later epochs | inference, batch 1, forced query p50 / p99 |");
        Console.WriteLine("|---|---|---|---|---|");
        string? actSmall = null;
        foreach (var (policy, preset, steps) in new[] { ("mlp", "small", trainSteps), ("act", "small", trainSteps), ("act", "paper", Math.Max(10, trainSteps / 10)) })
        {
            var run = Train(session, data.Root, policy, preset, steps, Path.Combine(home, $"{policy}-{preset}"));
            var (firstEpoch, later) = DataWaitByEpoch(run.Result.LogFile, data.Frames / Math.Max(1, run.Batch));
            using var loaded = PolicyLoader.Load(session, run.Result.LastCheckpoint);
            var observations = Observations(session, 20, ["sim_front", "sim_wrist"]);
            var latency = Latency(loaded, observations, 100);
            Console.WriteLine($"| {policy} / {preset} | {run.Batch} | {run.StepMs:F0} ms | {run.Result.DataWaitFraction:P1} / {firstEpoch:P1} / {later} | {Machine.Percentile(latency, 50):F1} / {Machine.Percentile(latency, 99):F1} ms |");
            if (policy == "act" && preset == "small") actSmall = run.Result.LastCheckpoint;
        }

        Console.WriteLine();
        Console.WriteLine("### native memory (RSS) over long runs");
        using (var act = PolicyLoader.Load(session, actSmall!))
        {
            var observations = Observations(session, 20, ["sim_front", "sim_wrist"]);
            var rss = new List<(int Calls, double Mb)>();
            for (var i = 0; i <= 3000; i++)
            {
                if (i % 1000 == 0) rss.Add((i, Machine.RssMb()));
                act.Reset();
                act.SelectAction(observations[i % observations.Count]);
            }
            Console.WriteLine($"act small inference: RSS {string.Join(" → ", rss.Select(r => $"{r.Mb:F0} MB @ {r.Calls}"))} calls");
        }
        var trainRss = new List<(long Step, double Mb)>();
        var longSteps = Math.Max(2000, trainSteps);
        TrainingRunner.Train(session, new TrainOptions
        {
            DatasetRoot = data.Root, PolicyKey = "mlp", Preset = "small", Steps = longSteps, OutputDir = Path.Combine(home, "mlp-long"), LogEvery = 10,
        }, new SyncProgress<TrainProgress>(p => { if (p.Step % 500 == 0) trainRss.Add((p.Step, Machine.RssMb())); }));
        Console.WriteLine($"mlp small training with both cameras: RSS {string.Join(" → ", trainRss.Select(r => $"{r.Mb:F0} MB @ step {r.Step}"))}");

        Console.WriteLine();
        Console.WriteLine($"### 30 Hz rollout on the simulated follower, sim_front + sim_wrist 96×96, act small, {rolloutSeconds:F0} s");
        var result = RobotRollout.Run(session, [actSmall!], "sim_so101", new Dictionary<string, string>(), ["sim_front", "sim_wrist"], [small, small],
            new RolloutOptions { Fps = 30, DurationSeconds = rolloutSeconds, WatchdogMs = 200 }, null, CancellationToken.None);
        PrintLoop(result);
        Directory.Delete(home, recursive: true);
    }

    /// <summary>A rollout's loop timing as a markdown table.</summary>
    internal static void PrintLoop(RolloutResult result)
    {
        var loop = result.Loop;
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| ticks | {loop.Ticks} ({result.PolicyActions} policy actions, {result.Holds} holds, {result.DeadlineMisses} missed deadlines) |");
        Console.WriteLine($"| period p50 / p99 / max | {loop.PeriodP50Ms:F2} / {loop.PeriodP99Ms:F2} / {loop.PeriodMaxMs:F2} ms (target {loop.TargetPeriodMs:F2}) |");
        Console.WriteLine($"| jitter: std of the period / p99 − target | {loop.JitterMs:F2} / {loop.PeriodP99Ms - loop.TargetPeriodMs:F2} ms |");
        Console.WriteLine($"| tick body p50 / p99 | {loop.BodyP50Ms:F2} / {loop.BodyP99Ms:F2} ms |");
        Console.WriteLine($"| overruns | {loop.Overruns} of {loop.Ticks} |");
    }

    private sealed record TrainRun(TrainResult Result, double StepMs, int Batch);

    private static TrainRun Train(HostSession session, string dataset, string policy, string preset, int steps, string output)
    {
        var stamps = new List<(long Step, double Ms)>();
        var clock = Stopwatch.StartNew();
        var batch = preset == "paper" ? 8 : (int?)null;
        var result = TrainingRunner.Train(session, new TrainOptions
        {
            DatasetRoot = dataset, PolicyKey = policy, Preset = preset, Steps = steps, BatchSize = batch, OutputDir = output, LogEvery = 1,
        }, new SyncProgress<TrainProgress>(p => stamps.Add((p.Step, clock.Elapsed.TotalMilliseconds))));
        var perStep = stamps.Zip(stamps.Skip(1)).Where(s => s.First.Step >= 10 && s.Second.Step > s.First.Step)
            .Select(s => (s.Second.Ms - s.First.Ms) / (s.Second.Step - s.First.Step)).ToList();
        var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(result.LastCheckpoint, "config.json")));
        var usedBatch = config.RootElement.TryGetProperty("batch_size", out var b) ? b.GetInt32() : batch ?? 0;
        return new TrainRun(result, perStep.Count > 0 ? Machine.Percentile(perStep, 50) : result.Seconds * 1000 / steps, usedBatch);
    }

    /// <summary>
    /// Data-wait fraction of the first epoch (the cold one: every video decoded for the first time) and of the later
    /// epochs (decoded frames cached), from a train_log.jsonl written with one line per step.
    /// </summary>
    internal static (double FirstEpoch, string Later) DataWaitByEpoch(string logFile, long stepsPerEpoch)
    {
        var rows = File.ReadLines(logFile).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!)
            .Select(n => (Step: n["step"]!.GetValue<long>(), Step_s: n["step_s"]!.GetValue<double>(), Wait: n["data_wait_s"]!.GetValue<double>())).ToList();
        static double Fraction(IEnumerable<(long Step, double Step_s, double Wait)> r) => r.Sum(x => x.Wait) / Math.Max(1e-9, r.Sum(x => x.Step_s));
        var first = rows.Where(r => r.Step <= stepsPerEpoch).ToList();
        var later = rows.Where(r => r.Step > stepsPerEpoch).ToList();
        return (Fraction(first), later.Count == 0 ? "n/a (under one epoch)" : $"{Fraction(later):P1}");
    }

    /// <summary>Observations of the simulated follower and the given cameras (96×96 unless told), as the rollout sees them.</summary>
    internal static List<Observation> Observations(HostSession session, int count, IReadOnlyList<string> cameraKeys, int width = 96, int height = 96)
    {
        var small = new Dictionary<string, string> { ["width"] = $"{width}", ["height"] = $"{height}" };
        using var robot = session.Catalog.CreateRobot("sim_so101");
        var cameras = cameraKeys.Select(k => session.Catalog.CreateCamera(k, small)).ToArray();
        foreach (var camera in cameras) camera.Connect();
        robot.Connect();
        var observations = new List<Observation>();
        for (var i = 0; i < count; i++)
        {
            Thread.Sleep(35);
            var state = robot.GetObservation();
            var images = cameras.ToDictionary(c => c.Name, c => c.ReadLatest()!);
            observations.Add(new Observation { Values = state.Values, Images = images, Timestamp = state.Timestamp });
        }
        robot.Disconnect();
        foreach (var camera in cameras) { camera.Disconnect(); camera.Dispose(); }
        return observations;
    }

    internal static List<double> Latency(IPolicy policy, IReadOnlyList<Observation> observations, int calls)
    {
        var times = new List<double>();
        for (var i = 0; i < calls + 5; i++)
        {
            policy.Reset();
            var clock = Stopwatch.StartNew();
            policy.SelectAction(observations[i % observations.Count]);
            if (i >= 5) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }
}

/// <summary>Reports on the calling thread (the trainer's), so samples are taken exactly at the reported step.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
