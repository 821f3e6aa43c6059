using System.Diagnostics;
using System.Globalization;
using RobotHost.Plugins.Datasets.LeRobot;
using RobotHost.Sdk;

namespace RobotHost.Benchmarks;

/// <summary>
/// Does saving stay as fast as the dataset grows? A state-only dataset of many episodes and a two-camera one, written
/// with LeRobot's default limits (data files 100 MB, videos 200 MB, 1000 files per chunk) and RobotHost's
/// <see cref="LeRobotLayout.EpisodesPerFile"/>: SaveEpisode time of the first ten vs the last ten episodes (goal:
/// last within 1.2× of first), what each save wrote, the files and how they rolled over, and how long the finished
/// datasets take to open and read. Args: [state-episodes=1000] [camera-episodes=200] [frames=300] [width=96] [height=96].
/// </summary>
internal static class ScaleBenchmark
{
    public static void Run(string[] args)
    {
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        var stateEpisodes = Arg(0, 1000);
        var cameraEpisodes = Arg(1, 200);
        var frames = Arg(2, 300);
        var (width, height) = (Arg(3, 96), Arg(4, 96));
        var work = Directory.CreateTempSubdirectory("rh-bench-scale").FullName;
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
        Console.WriteLine("| dataset | measure | value |");
        Console.WriteLine("|---|---|---|");
        try
        {
            Measure($"{stateEpisodes} episodes × {frames} frames, state only", Path.Combine(work, "state"), DatasetBenchmark.Schema(), stateEpisodes, frames, new Dictionary<string, byte[][]>());
            var pool = new Dictionary<string, byte[][]>
            {
                ["observation.images.front"] = DatasetBenchmark.ImagePool(width, height, 30, 1),
                ["observation.images.wrist"] = DatasetBenchmark.ImagePool(width, height, 30, 2),
            };
            Measure($"{cameraEpisodes} episodes × {frames} frames, two {width}×{height} cameras", Path.Combine(work, "cameras"),
                DatasetBenchmark.Schema(("front", width, height), ("wrist", width, height)), cameraEpisodes, frames, pool);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
    }

    private static void Measure(string name, string root, DatasetSchema schema, int episodes, int frames, IReadOnlyDictionary<string, byte[][]> pool)
    {
        var saves = new List<double>();
        var written = new List<long>();
        var clock = Stopwatch.StartNew();
        using (var writer = LeRobotDatasetWriter.Create(root, schema))
        {
            for (var e = 0; e < episodes; e++)
            {
                for (var i = 0; i < frames; i++) writer.AddFrame(DatasetBenchmark.Frame(schema, (long)e * frames + i, pool));
                var save = Stopwatch.StartNew();
                writer.SaveEpisode("pick up the cube");
                saves.Add(save.Elapsed.TotalMilliseconds);
                written.Add(writer.LastSaveBytesWritten);
            }
        }
        var total = clock.Elapsed.TotalSeconds;
        var first = saves.Take(10).ToList();
        var last = saves.TakeLast(10).ToList();
        Row(name, "SaveEpisode, first 10 / last 10 episodes (p50; goal: last ≤ 1.2× first)",
            $"{Machine.Percentile(first, 50):F0} / {Machine.Percentile(last, 50):F0} ms (×{Machine.Percentile(last, 50) / Machine.Percentile(first, 50):F2}); mean {first.Average():F0} / {last.Average():F0} ms");
        Row(name, "bytes written per save, first 10 / last 10 (mean) / max", $"{written.Take(10).Average() / 1024:F0} / {written.TakeLast(10).Average() / 1024:F0} / {written.Max() / 1024:F0} KB");
        Row(name, "write, all episodes", $"{total:F1} s");
        foreach (var folder in new[] { "data", "meta/episodes" }.Concat(schema.VisualFeatures.Select(f => "videos/" + f.Key)))
        {
            var files = Directory.GetFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
            Row(name, $"{folder}: files, total / largest", $"{files.Count} files, {files.Sum(f => f.Length) / 1048576.0:F1} / {files.Max(f => f.Length) / 1048576.0:F2} MB");
        }
        clock.Restart();
        using var reader = LeRobotDatasetReader.Open(root);
        var open = clock.Elapsed.TotalSeconds;
        var perFile = reader.EpisodeRecords.GroupBy(r => (r.DataChunk, r.DataFile)).Select(g => g.Count()).ToList();
        Row(name, "rollover: episodes per data file (first / last file)", $"{perFile[0]} / {perFile[^1]} in {perFile.Count} files");
        Row(name, "open (meta + every frame row into memory)", $"{open:F2} s for {reader.TotalFrames} frames");
        clock.Restart();
        for (long i = 0; i < reader.TotalFrames; i++) reader.GetFrame(i, withImages: false);
        Row(name, "read every frame (vectors)", $"{clock.Elapsed.TotalSeconds:F2} s");
        if (schema.VisualFeatures.Any())
        {
            var random = new Random(3);
            clock.Restart();
            for (var k = 0; k < 300; k++) reader.GetFrame(random.NextInt64(reader.TotalFrames));
            Row(name, "300 random frames with images, cold cache", $"{clock.Elapsed.TotalSeconds:F2} s");
        }
    }

    private static void Row(string dataset, string measure, string value) => Console.WriteLine($"| {dataset} | {measure} | {value} |");
}
