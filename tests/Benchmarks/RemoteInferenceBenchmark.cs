using System.Diagnostics;
using System.Globalization;
using RobotHost.Recording;
using RobotHost.Remote;
using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Benchmarks;

/// <summary>
/// What remote inference adds per chunk over loopback: an MLP (small preset, trained briefly on simulated pick_place data;
/// the weights do not change the cost) served by <see cref="PolicyServer"/> in this process on 127.0.0.1, called through
/// <see cref="RemotePolicy"/> as eval and rollout call it (observe, then predict a chunk), against the same checkpoint
/// loaded locally, with one 96×96 camera and with two 640×480 cameras. The added round trip is remote minus local at
/// each percentile; the deadline is wide, since this measures the time a call takes, not what a late one does. Args: [calls=200].
/// </summary>
internal static class RemoteInferenceBenchmark
{
    public static void Run(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var home = Directory.CreateTempSubdirectory("rh-bench-remote").FullName;
        using var session = Machine.StartHost(home);
        Learning.TorchRuntime.Initialize();
        Console.WriteLine($"| cameras, mlp small, {calls} chunks | local p50 | local p95 | remote p50 | remote p95 | added p50 | added p95 | bytes per observation |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (cameras, width, height) in new[] { (new[] { "sim_front" }, 96, 96), (["sim_front", "sim_wrist"], 640, 480) })
        {
            var size = new Dictionary<string, string> { ["width"] = $"{width}", ["height"] = $"{height}" };
            var data = new Recorder(session.CreateLogger("RobotHost.Recording")).Record(session, new RecordOptions
            {
                RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = cameras, CameraOptions = cameras.Select(_ => size).ToArray(),
                Root = Path.Combine(home, $"data-{cameras.Length}"), Episodes = 2, EpisodeTimeS = 2, ResetTimeS = 0, Fps = 30, Realtime = false, Task = "benchmark",
            });
            var checkpoint = TrainingRunner.Train(session, new TrainOptions
            {
                DatasetRoot = data.Root, PolicyKey = "mlp", Preset = "small", Steps = 5, OutputDir = Path.Combine(home, $"mlp-{cameras.Length}"),
            }).LastCheckpoint;
            var observations = LearningBenchmark.Observations(session, 10, cameras, width, height);
            using var local = PolicyLoader.Load(session, checkpoint);
            using var served = PolicyLoader.Load(session, checkpoint);
            var server = PolicyServer.StartAsync(served, checkpoint, "127.0.0.1", 0, session.Logging.Logger).GetAwaiter().GetResult();
            try
            {
                using var remote = PolicyLoader.Load(session, [], new RemotePolicyOptions($"127.0.0.1:{server.Port}", DeadlineMs: 10_000));
                var localMs = PerChunk((IChunkPolicy)local, observations, calls);
                var remoteMs = PerChunk((IChunkPolicy)remote, observations, calls);
                var bytes = observations[0].Images.Values.Sum(f => f.Rgb.Length) + observations[0].Values.Count * 4;
                string Ms(double v) => v.ToString("F2", CultureInfo.InvariantCulture) + " ms";
                double P(List<double> s, double p) => Machine.Percentile(s, p);
                Console.WriteLine($"| {string.Join(" + ", cameras)} {width}×{height} | {Ms(P(localMs, 50))} | {Ms(P(localMs, 95))} | {Ms(P(remoteMs, 50))} | {Ms(P(remoteMs, 95))} | " +
                    $"{Ms(P(remoteMs, 50) - P(localMs, 50))} | {Ms(P(remoteMs, 95) - P(localMs, 95))} | {bytes:N0} |");
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        Directory.Delete(home, recursive: true);
    }

    /// <summary>Milliseconds of one observe + predict-chunk per call, after five untimed calls.</summary>
    private static List<double> PerChunk(IChunkPolicy policy, IReadOnlyList<Observation> observations, int calls)
    {
        policy.Reset();
        var times = new List<double>(calls);
        for (var i = 0; i < calls + 5; i++)
        {
            var clock = Stopwatch.StartNew();
            policy.Observe(observations[i % observations.Count]);
            policy.PredictChunk();
            if (i >= 5) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }
}
