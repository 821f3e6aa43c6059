using System.Diagnostics;
using OpenCvSharp;
using RobotHost.Plugins.Cameras.OpenCv;
using RobotHost.Sdk;

namespace RobotHost.Benchmarks;

/// <summary>
/// Two 640×480 @ 30 fps cameras (video_file sources on the real background grabber) read by a 30 Hz control loop with
/// <c>ReadLatest()</c>: frames delivered, dropped and repeated per camera, and what the reads add to each tick
/// (goal: &lt; 0.5 ms per tick, 0 dropped). Args: <c>[seconds=60] [cameras=2] [fps=30] [loop_hz=30]</c>.
/// </summary>
internal static class CamerasBenchmark
{
    public static void Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 60;
        var cameraCount = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        var fps = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 30;
        var loopHz = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 30;
        var dir = Directory.CreateTempSubdirectory("rh-bench-cameras").FullName;
        try
        {
            var cameras = Enumerable.Range(0, cameraCount)
                .Select(i => Cameras.VideoFile(new VideoFileCameraConfig { Name = $"cam{i}", Path = WriteClip(dir, i, fps), Fps = fps }))
                .ToList();
            foreach (var camera in cameras) camera.Connect();

            var readCost = new List<double>();     // ms per tick spent in ReadLatest for all cameras
            var frameAge = new List<double>();     // ms between capture and the tick that took it
            var tickLate = new List<double>();     // ms the tick started after its deadline
            var lastSeq = cameras.Select(_ => -1L).ToArray();
            var delivered = new long[cameraCount];
            var dropped = new long[cameraCount];
            var repeated = new long[cameraCount];
            long dropsOnLateTicks = 0;             // drops on a tick that started > 5 ms late (or after one that did)
            var previousLate = false;
            var period = 1.0 / loopHz;
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var gen2Start = GC.CollectionCount(2);
            var pauseStart = GC.GetTotalPauseDuration();
            var start = HostClock.Now;
            var ticks = (int)(seconds * loopHz);
            for (var tick = 0; tick < ticks; tick++)
            {
                var deadline = start + tick * period;
                WaitUntil(deadline);
                var t0 = HostClock.Now;
                tickLate.Add((t0 - deadline) * 1000);
                var late = t0 - deadline > 0.005;
                for (var c = 0; c < cameraCount; c++)
                {
                    var frame = cameras[c].ReadLatest()!;
                    if (frame.Sequence == lastSeq[c]) repeated[c]++;
                    else
                    {
                        delivered[c]++;
                        var gap = lastSeq[c] >= 0 ? frame.Sequence - lastSeq[c] - 1 : 0;
                        dropped[c] += gap;
                        if (late || previousLate) dropsOnLateTicks += gap;
                        lastSeq[c] = frame.Sequence;
                    }
                    if (c == 0) frameAge.Add((t0 - frame.CaptureTime) * 1000);
                }
                readCost.Add((HostClock.Now - t0) * 1000);
                previousLate = late;
            }
            var elapsed = HostClock.Now - start;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds / elapsed * 100;
            var gen2 = GC.CollectionCount(2) - gen2Start;
            var pause = (GC.GetTotalPauseDuration() - pauseStart).TotalMilliseconds;
            var stats = cameras.Select(c => c.Stats).ToList();
            foreach (var camera in cameras) camera.Dispose();

            Console.WriteLine($"{cameraCount} video_file cameras 640x480 @ {fps:0.#} fps, a {loopHz:0.#} Hz loop calling ReadLatest() on each, {elapsed:F0} s ({ticks} ticks). Process CPU {cpu:F0}% of one core (decode + BGR→RGB + copy + loop).");
            Console.WriteLine();
            Console.WriteLine("| camera | captured | delivered to loop | dropped | repeated | capture fps (measured) | camera stats: dropped / repeated |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            for (var c = 0; c < cameraCount; c++)
                Console.WriteLine($"| {stats[c].Camera} | {stats[c].FramesCaptured} | {delivered[c]} | {dropped[c]} | {repeated[c]} | {stats[c].FramesCaptured / elapsed:F2} | {stats[c].FramesDropped} / {stats[c].FramesRepeated} |");
            Console.WriteLine();
            Console.WriteLine("| per tick | p50 | p99 | max |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| ReadLatest() on all {cameraCount} cameras (loop's extra latency) | {Machine.Percentile(readCost, 50) * 1000:F1} µs | {Machine.Percentile(readCost, 99) * 1000:F1} µs | {readCost.Max() * 1000:F0} µs |");
            Console.WriteLine($"| same, mean | {readCost.Average() * 1000:F1} µs | | |");
            Console.WriteLine($"| frame age when taken (cam0) | {Machine.Percentile(frameAge, 50):F1} ms | {Machine.Percentile(frameAge, 99):F1} ms | {frameAge.Max():F1} ms |");
            Console.WriteLine($"| tick start after its deadline (loop scheduling, not cameras) | {Machine.Percentile(tickLate, 50):F2} ms | {Machine.Percentile(tickLate, 99):F2} ms | {tickLate.Max():F1} ms |");
            Console.WriteLine();
            Console.WriteLine($"Ticks that started > 5 ms late: {tickLate.Count(t => t > 5)} of {ticks}; dropped frames seen on or right after such a tick: {dropsOnLateTicks} of {dropped.Sum()}. Load average at the end: {LoadAverage()}.");
            Console.WriteLine($"GC during the run (each frame is a new 900 KB array): {gen2} gen2 collections, {pause:F0} ms total pause.");
            MeasureUnplug(dir);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>"Unplug" (move away) an image-folder camera's source and time until Health says Stalled, then until it streams again.</summary>
    private static void MeasureUnplug(string dir)
    {
        var folder = Path.Combine(dir, "frames");
        Directory.CreateDirectory(folder);
        using (var image = new Mat(480, 640, MatType.CV_8UC3, new Scalar(0, 0, 255)))
            for (var i = 0; i < 10; i++) Cv2.ImWrite(Path.Combine(folder, $"frame_{i:D3}.png"), image);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Name = "unplug", Path = folder });
        camera.Connect();
        var detect = new List<double>();
        var recover = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            Thread.Sleep(300);
            var pulled = HostClock.Now;
            Directory.Move(folder, folder + "-away");
            while (camera.Health != CameraHealth.Stalled) Thread.Sleep(1);
            detect.Add((HostClock.Now - pulled) * 1000);
            var plugged = HostClock.Now;
            Directory.Move(folder + "-away", folder);
            while (camera.Health != CameraHealth.Streaming) Thread.Sleep(1);
            recover.Add((HostClock.Now - plugged) * 1000);
        }
        Console.WriteLine();
        Console.WriteLine("| fault (image-folder camera, 5 rounds, stall_timeout_s 0.5) | p50 | max |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| source removed → Health = Stalled | {Machine.Percentile(detect, 50):F0} ms | {detect.Max():F0} ms |");
        Console.WriteLine($"| source back → Health = Streaming (reopen with backoff) | {Machine.Percentile(recover, 50):F0} ms | {recover.Max():F0} ms |");
    }

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    // Sleep most of the way, then spin the last stretch: a control loop's usual trade of a little CPU for timing.
    private static void WaitUntil(double deadline)
    {
        var remaining = deadline - HostClock.Now;
        if (remaining > 0.002) Thread.Sleep(TimeSpan.FromSeconds(remaining - 0.0015));
        while (HostClock.Now < deadline) Thread.SpinWait(50);
    }

    /// <summary>A 5 s mp4v clip with a moving gradient and noise, so decoding costs what a real picture costs.</summary>
    private static string WriteClip(string dir, int index, double fps)
    {
        var path = Path.Combine(dir, $"cam{index}.mp4");
        using var writer = new VideoWriter(path, VideoWriter.FourCC('m', 'p', '4', 'v'), fps, new Size(640, 480));
        using var frame = new Mat(480, 640, MatType.CV_8UC3);
        using var noise = new Mat(480, 640, MatType.CV_8UC3);
        for (var i = 0; i < (int)(5 * fps); i++)
        {
            frame.SetTo(new Scalar(40 + index * 60, 80, 120));
            Cv2.Rectangle(frame, new Rect((i * 7) % 560, 100 + index * 100, 80, 80), new Scalar(255, 255, 255), -1);
            Cv2.Randn(noise, new Scalar(0, 0, 0), new Scalar(8, 8, 8));
            Cv2.Add(frame, noise, frame);
            writer.Write(frame);
        }
        return path;
    }
}
