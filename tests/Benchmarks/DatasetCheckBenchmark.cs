using System.Diagnostics;
using RobotHost.DatasetCheck;
using RobotHost.Recording;

namespace RobotHost.Benchmarks;

/// <summary>
/// <c>robothost dataset check</c> on a 50-episode simulated pick-and-place dataset with two cameras (sim_front +
/// sim_wrist, 128×96, H.264), through the real plugins: the vector checks alone, with the PNG plots, and with the video
/// checks (first and last frame of each episode per camera decoded). Median of three runs each, after one warm-up.
/// Args: [episodes=50] [width=128] [height=96].
/// </summary>
internal static class DatasetCheckBenchmark
{
    public static void Run(string[] args)
    {
        var episodes = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
        var width = args.Length > 1 ? args[1] : "128";
        var height = args.Length > 2 ? args[2] : "96";
        var home = Directory.CreateTempSubdirectory("rh-bench-check").FullName;
        try
        {
            using var session = Machine.StartHost(home);
            var root = Path.Combine(home, "pick");
            var camera = new Dictionary<string, string> { ["width"] = width, ["height"] = height };
            var recorded = Stopwatch.StartNew();
            new Recorder().Record(session, new RecordOptions
            {
                RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front", "sim_wrist"], CameraOptions = [camera, camera],
                Root = root, Episodes = episodes, EpisodeTimeS = 20, ResetTimeS = 0, Realtime = false, Seed = 11, Task = "put the cube in the bin",
            });
            var format = session.Catalog.DatasetFormat("lerobot");
            long frames;
            using (var reader = format.Open(root)) frames = reader.TotalFrames;
            Console.WriteLine($"machine: 2-core Debian 12 VM ({Machine.CpuModel()}), {Environment.ProcessorCount} logical CPUs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
            Console.WriteLine($"dataset: {episodes} episodes, {frames} frames at 30 fps, sim_front + sim_wrist {width}×{height} H.264 (recorded in {recorded.Elapsed.TotalSeconds:F0} s)");
            Console.WriteLine();
            Console.WriteLine("| check | median of 3 | runs (s) | status |");
            Console.WriteLine("|---|---|---|---|");
            Measure("vector checks (no video, no plots)", format, root, new DatasetCheckOptions());
            Measure("vector checks + PNG plots", format, root, new DatasetCheckOptions { PlotDirectory = Path.Combine(home, "plots") });
            Measure("with video checks (--video), no plots", format, root, new DatasetCheckOptions { CheckVideo = true });
            Console.WriteLine();
            Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static void Measure(string name, RobotHost.Sdk.IDatasetFormat format, string root, DatasetCheckOptions options)
    {
        // Each run opens the dataset afresh, as the command does; the first run warms the JIT and the file cache.
        DatasetReport Once()
        {
            using var reader = format.Open(root);
            return DatasetChecker.Check(reader, options);
        }
        Once();
        var runs = new List<double>();
        DatasetReport? report = null;
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            report = Once();
            runs.Add(sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"| {name} | {Machine.Percentile(runs, 50):F2} s | {string.Join(", ", runs.Select(r => r.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} | {report!.Status.ToString().ToLowerInvariant()} |");
    }
}
