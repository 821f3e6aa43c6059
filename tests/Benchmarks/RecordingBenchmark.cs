using System.Diagnostics;
using RobotHost.Control;
using RobotHost.Recording;

namespace RobotHost.Benchmarks;

/// <summary>
/// The recorder on the simulated rig through the real plugins (Sim.SO101 + Datasets.LeRobot from artifacts/bin/plugins):
/// real time with two 640×480 cameras at 30 fps (dropped frames, dead time between episodes, loop period and jitter), and
/// no-realtime throughput with two 96×96 cameras. Args: [episodes-realtime=5] [episode-time=10] [episodes-fast=20].
/// </summary>
internal static class RecordingBenchmark
{
    public static void Run(string[] args)
    {
        var realtimeEpisodes = args.Length > 0 ? int.Parse(args[0]) : 5;
        var episodeTime = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var fastEpisodes = args.Length > 2 ? int.Parse(args[2]) : 20;
        var home = Directory.CreateTempSubdirectory("rh-bench-rec").FullName;
        using var session = Machine.StartHost(home);
        var recorder = new Recorder(session.CreateLogger("RobotHost.Recording"));

        // 1. Real time, as at the robot: 30 fps, two VGA cameras, no reset wait so the dead time between episodes shows.
        var vga = new Dictionary<string, string> { ["width"] = "640", ["height"] = "480" };
        var realtime = recorder.Record(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front", "sim_wrist"], CameraOptions = [vga, vga],
            Root = Path.Combine(home, "realtime"), Episodes = realtimeEpisodes, EpisodeTimeS = episodeTime, ResetTimeS = 0, Fps = 30,
            Realtime = true, EndOnDone = false, Task = "benchmark",
        });
        var loop = realtime.Loop;
        var saves = realtime.Episodes.Select(e => e.SaveS * 1000).ToList();
        // Dead time between episodes: first frame of one minus the end of the previous one's recording phase (the save
        // overlaps the next episode, so what shows here is the loop's own turn-around, not the save).
        var waits = realtime.Episodes.Zip(realtime.Episodes.Skip(1), (a, b) => (b.StartS - a.EndS) * 1000).ToList();
        Console.WriteLine($"### real time: {realtime.Episodes.Count} episodes × {episodeTime} s, 30 fps, sim_front + sim_wrist 640×480, H.264 live");
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| frames saved | {realtime.Frames} (expected {realtime.Episodes.Count * (int)Math.Round(episodeTime * 30)}) |");
        Console.WriteLine($"| dropped frames (writer queue full) | {realtime.DroppedFrames} |");
        Console.WriteLine($"| deepest writer queue | {realtime.MaxQueueDepth} / {realtime.QueueCapacity} frames |");
        Console.WriteLine($"| camera frames reused (no new frame that tick) | {realtime.Episodes.Sum(e => e.CameraRepeats)} |");
        Console.WriteLine($"| loop period p50 / p99 / max | {loop.PeriodP50Ms:F2} / {loop.PeriodP99Ms:F2} / {loop.PeriodMaxMs:F2} ms (target {loop.TargetPeriodMs:F2}) |");
        Console.WriteLine($"| loop jitter (std of period) | {loop.JitterMs:F2} ms |");
        Console.WriteLine($"| loop overruns | {loop.Overruns} of {loop.Ticks} ticks |");
        Console.WriteLine($"| tick body p50 / p99 (observe, 2 renders, act, queue) | {loop.BodyP50Ms:F2} / {loop.BodyP99Ms:F2} ms |");
        Console.WriteLine($"| episode save (writer thread) p50 / max | {Machine.Percentile(saves, 50):F0} / {saves.DefaultIfEmpty(0).Max():F0} ms |");
        Console.WriteLine($"| time between episodes (end of one to the first frame of the next, reset 0) p50 / max | {Machine.Percentile(waits, 50):F0} / {waits.DefaultIfEmpty(0).Max():F0} ms |");
        Console.WriteLine($"| session waited for saves (only the last one is waited for) | {realtime.Episodes.Sum(e => e.WaitS) * 1000:F0} ms |");
        Console.WriteLine($"| load average (1 min) after the real-time part | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} |");

        // 2. No real time: how fast the simulator fills a dataset (the expert ends each episode when the task is done).
        var small = new Dictionary<string, string> { ["width"] = "96", ["height"] = "96" };
        var sw = Stopwatch.StartNew();
        var fast = recorder.Record(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front", "sim_wrist"], CameraOptions = [small, small],
            Root = Path.Combine(home, "fast"), Episodes = fastEpisodes, EpisodeTimeS = 30, ResetTimeS = 0, Fps = 30, Realtime = false, Task = "benchmark",
        });
        var seconds = sw.Elapsed.TotalSeconds;
        var successes = fast.Episodes.Count(e => e.Success == true);
        Console.WriteLine();
        Console.WriteLine($"### no real time (--no-realtime): {fast.Episodes.Count} episodes, sim_front + sim_wrist 96×96");
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| wall time (connect to last save) | {seconds:F1} s |");
        Console.WriteLine($"| episodes/s | {fast.Episodes.Count / seconds:F2} |");
        Console.WriteLine($"| frames/s | {fast.Frames / seconds:F0} ({fast.Frames} frames, mean {fast.Frames / (double)Math.Max(1, fast.Episodes.Count):F0} per episode) |");
        Console.WriteLine($"| expert successes | {successes} / {fast.Episodes.Count} |");
        Console.WriteLine($"| dropped frames | {fast.DroppedFrames} |");
        Console.WriteLine($"| 100 demonstrations{(fast.Episodes.Count == 100 ? "" : ", extrapolated")} | {100 / (fast.Episodes.Count / seconds):F0} s |");
        Console.WriteLine($"| load average (1 min) at the end | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} |");
        Directory.Delete(home, recursive: true);
    }
}
