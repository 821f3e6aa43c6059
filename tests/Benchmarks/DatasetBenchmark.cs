using System.Diagnostics;
using RobotHost.Plugins.Datasets.LeRobot;
using RobotHost.Sdk;

namespace RobotHost.Benchmarks;

/// <summary>
/// LeRobot dataset plugin: parquet write/read throughput, random-access frame decode at 96×96 and 640×480, and the
/// pause between episodes (SaveEpisode) while recording two 640×480 cameras at 30 fps in real time.
/// Usage: <c>dataset [--episodes 5] [--seconds 5]</c>.
/// </summary>
internal static class DatasetBenchmark
{
    private static readonly string[] Joints = ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"];

    public static void Run(string[] args)
    {
        var episodes = Arg(args, "--episodes", 5);
        var seconds = Arg(args, "--seconds", 5);
        var work = Directory.CreateTempSubdirectory("rh-bench-dataset").FullName;
        Console.WriteLine($"machine: 2-core Debian 12 VM ({Machine.CpuModel()}), {Environment.ProcessorCount} logical CPUs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
        Console.WriteLine("| measure | result |");
        Console.WriteLine("|---|---|");
        try
        {
            Parquet(Path.Combine(work, "parquet"));
            RandomAccess(Path.Combine(work, "ra96"), 96, 96, episodeCount: 10, length: 300, reads: 3000);
            RandomAccess(Path.Combine(work, "ra640"), 640, 480, episodeCount: 2, length: 150, reads: 300);
            Recording(Path.Combine(work, "rec"), episodes, seconds);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    internal static DatasetFrame Frame(DatasetSchema schema, long n, IReadOnlyDictionary<string, byte[][]> images)
    {
        var values = new Dictionary<string, float[]>
        {
            [FeatureKeys.Action] = Joints.Select((_, j) => (float)Math.Sin(n * 0.05 + j) * 90).ToArray(),
            [FeatureKeys.State] = Joints.Select((_, j) => (float)Math.Cos(n * 0.05 + j) * 90).ToArray(),
        };
        var frames = new Dictionary<string, CameraFrame>();
        foreach (var f in schema.VisualFeatures)
        {
            var pool = images[f.Key];
            frames[f.Key] = new CameraFrame(f.Shape[1], f.Shape[0], pool[n % pool.Length], n, n / 30.0);
        }
        return new DatasetFrame { Values = values, Images = frames };
    }

    // A scene-like image: smooth gradients that move with n, plus mild sensor noise.
    internal static byte[][] ImagePool(int width, int height, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(n =>
        {
            var rgb = new byte[width * height * 3];
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var p = (y * width + x) * 3;
                    rgb[p] = (byte)((x + n * 4) * 255 / width % 256);
                    rgb[p + 1] = (byte)((y + n * 2) * 255 / height % 256);
                    rgb[p + 2] = (byte)(128 + random.Next(-6, 7));
                }
            return rgb;
        }).ToArray();
    }

    internal static DatasetSchema Schema(params (string Camera, int Width, int Height)[] cameras) => new("so101_follower", 30,
        [FeatureSpec.Vector(FeatureKeys.Action, Joints), FeatureSpec.Vector(FeatureKeys.State, Joints),
         .. cameras.Select(c => FeatureSpec.Video(FeatureKeys.Image(c.Camera), c.Height, c.Width))]);

    private static void Parquet(string root)
    {
        var schema = Schema();
        const int episodes = 100, length = 300;
        var saves = new List<double>();
        var clock = Stopwatch.StartNew();
        using (var writer = LeRobotDatasetWriter.Create(root, schema))
        {
            for (var e = 0; e < episodes; e++)
            {
                for (var i = 0; i < length; i++) writer.AddFrame(Frame(schema, e * length + i, new Dictionary<string, byte[][]>()));
                var save = Stopwatch.StartNew();
                writer.SaveEpisode("pick up the cube");
                saves.Add(save.Elapsed.TotalMilliseconds);
            }
        }
        var write = clock.Elapsed.TotalSeconds;
        clock.Restart();
        using var reader = LeRobotDatasetReader.Open(root);
        var open = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"| parquet write, {episodes} episodes × {length} frames (action+state, no cameras) | {episodes * length / write:F0} frames/s; SaveEpisode p50 {Machine.Percentile(saves, 50):F0} ms, first 10 p50 {Machine.Percentile(saves.Take(10).ToList(), 50):F0} ms, last 10 p50 {Machine.Percentile(saves.TakeLast(10).ToList(), 50):F0} ms |");
        Console.WriteLine($"| parquet read (open: load {reader.TotalFrames} frames + meta into memory) | {open:F2} s = {reader.TotalFrames / open:F0} frames/s |");
    }

    private static void RandomAccess(string root, int width, int height, int episodeCount, int length, int reads)
    {
        var schema = Schema(("front", width, height));
        var pool = new Dictionary<string, byte[][]> { ["observation.images.front"] = ImagePool(width, height, 30, 1) };
        using (var writer = LeRobotDatasetWriter.Create(root, schema))
            for (var e = 0; e < episodeCount; e++)
            {
                for (var i = 0; i < length; i++) writer.AddFrame(Frame(schema, e * length + i, pool));
                writer.SaveEpisode("pick");
            }
        using var reader = LeRobotDatasetReader.Open(root);
        var random = new Random(5);
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < reads; k++) reader.GetFrame(random.NextInt64(reader.TotalFrames));
        var cold = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var k = 0; k < reads; k++) reader.GetFrame(random.NextInt64(reader.TotalFrames));
        var warm = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"| random GetFrame with image, {width}×{height}, {reader.TotalFrames} frames in {episodeCount} episodes, {reads} reads from a cold cache (includes every decode) | {reads / cold:F0} frames/s |");
        Console.WriteLine($"| same, next {reads} reads (cache warm) | {reads / warm:F0} frames/s |");
    }

    private static void Recording(string root, int episodes, int seconds)
    {
        var schema = Schema(("front", 640, 480), ("wrist", 640, 480));
        var pool = new Dictionary<string, byte[][]>
        {
            ["observation.images.front"] = ImagePool(640, 480, 30, 1),
            ["observation.images.wrist"] = ImagePool(640, 480, 30, 2),
        };
        var saves = new List<double>();
        var addFrame = new List<double>();
        var late = 0;
        long n = 0;
        using (var writer = LeRobotDatasetWriter.Create(root, schema))
        {
            for (var e = 0; e < episodes; e++)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < seconds * 30; i++, n++)
                {
                    // Real-time pacing: frame i is due at i/30 s; a frame handed in after the next one is due counts as late.
                    var due = TimeSpan.FromSeconds(i / 30.0);
                    if (clock.Elapsed < due) Thread.Sleep(due - clock.Elapsed);
                    var add = Stopwatch.StartNew();
                    writer.AddFrame(Frame(schema, n, pool));
                    addFrame.Add(add.Elapsed.TotalMilliseconds);
                    if (clock.Elapsed > TimeSpan.FromSeconds((i + 1) / 30.0)) late++;
                }
                var save = Stopwatch.StartNew();
                writer.SaveEpisode("pick up the cube");
                saves.Add(save.Elapsed.TotalSeconds);
            }
        }
        Console.WriteLine($"| record {episodes} episodes × {seconds} s, two 640×480 cameras at 30 fps (H.264 live): SaveEpisode (pause between episodes) | p50 {Machine.Percentile(saves, 50):F2} s, max {saves.Max():F2} s ({string.Join(", ", saves.Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}) |");
        Console.WriteLine($"| same: AddFrame (both cameras queued to encoders) | p50 {Machine.Percentile(addFrame, 50):F2} ms, p99 {Machine.Percentile(addFrame, 99):F2} ms, max {addFrame.Max():F1} ms; {late} of {addFrame.Count} frames handed in late |");
        var videoMb = Directory.EnumerateFiles(Path.Combine(root, "videos"), "*.mp4", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0;
        Console.WriteLine($"| same: video size | {videoMb:F1} MB for {n / 30.0:F0} s × 2 cameras |");
    }
}
