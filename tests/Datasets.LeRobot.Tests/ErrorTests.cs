using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

/// <summary>Every damaged input gives one RobotHostException naming the file (or program) and the fix.</summary>
public sealed class ErrorTests
{
    private static readonly Lazy<string> Pristine = new(() => SyntheticDataset.Write([8, 8]));

    private static string Copy()
    {
        var target = Path.Combine(RepoPaths.NewTempDirectory("lerobot-err"), "dataset");
        foreach (var file in Directory.EnumerateFiles(Pristine.Value, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(Pristine.Value, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    private static void Truncate(string path, double keep)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
    }

    [Fact]
    public void Missing_ffmpeg_names_the_program_and_the_install_command()
    {
        var root = Path.Combine(RepoPaths.NewTempDirectory("lerobot-err"), "dataset");
        var e = Assert.Throws<RobotHostException>(() => LeRobotDatasetWriter.Create(root, SyntheticDataset.Schema(), video: new VideoTools("/nonexistent/ffmpeg")));
        Assert.StartsWith("ffmpeg not found; install it with `sudo apt-get install ffmpeg`", e.Message);
        using var reader = LeRobotDatasetReader.Open(Pristine.Value, new VideoTools("/nonexistent/ffmpeg"));
        Assert.Equal(SyntheticDataset.Action(3), reader.GetFrame(3, withImages: false).Values[FeatureKeys.Action]); // vectors need no ffmpeg
        var decode = Assert.Throws<RobotHostException>(() => reader.GetFrame(3));
        Assert.StartsWith("ffmpeg not found", decode.Message);
    }

    [Fact]
    public void Corrupt_or_truncated_json_names_the_file()
    {
        var root = Copy();
        Truncate(Path.Combine(root, "meta/info.json"), 0.5);
        var e = Assert.Throws<RobotHostException>(() => LeRobotDatasetReader.Open(root));
        Assert.Contains(Path.Combine(root, "meta/info.json"), e.Message);
        Assert.Contains("corrupt or truncated", e.Message);

        var stats = Copy();
        File.WriteAllText(Path.Combine(stats, "meta/stats.json"), "{\"action\": [1, 2");
        var s = Assert.Throws<RobotHostException>(() => LeRobotDatasetReader.Open(stats));
        Assert.Contains("meta/stats.json", s.Message);
    }

    [Fact]
    public void Corrupt_or_truncated_parquet_names_the_file()
    {
        var data = Copy();
        var dataFile = Path.Combine(data, "data/chunk-000/file-000.parquet");
        Truncate(dataFile, 0.6);
        var e = Assert.Throws<RobotHostException>(() => LeRobotDatasetReader.Open(data));
        Assert.Contains(dataFile, e.Message);
        Assert.Contains("copy it again", e.Message);

        var episodes = Copy();
        var episodesFile = Path.Combine(episodes, "meta/episodes/chunk-000/file-000.parquet");
        File.WriteAllBytes(episodesFile, [.. "PAR1"u8, .. new byte[100], .. "PAR1"u8]);
        var m = Assert.Throws<RobotHostException>(() => LeRobotDatasetReader.Open(episodes));
        Assert.Contains(episodesFile, m.Message);

        var tasks = Copy();
        File.WriteAllText(Path.Combine(tasks, "meta/tasks.parquet"), "not parquet");
        Assert.Contains("meta/tasks.parquet", Assert.Throws<RobotHostException>(() => LeRobotDatasetReader.Open(tasks)).Message);
    }

    [Fact]
    public void Truncated_or_missing_video_names_the_file()
    {
        var truncated = Copy();
        var video = Path.Combine(truncated, "videos/observation.images.front/chunk-000/file-000.mp4");
        Truncate(video, 0.4);
        using (var reader = LeRobotDatasetReader.Open(truncated))
        {
            var e = Assert.Throws<RobotHostException>(() => reader.GetFrame(15));
            Assert.Contains(video, e.Message);
            Assert.Contains("copy it again", e.Message);
        }

        var missing = Copy();
        var wrist = Path.Combine(missing, "videos/observation.images.wrist/chunk-000/file-000.mp4");
        File.Delete(wrist);
        using var reader2 = LeRobotDatasetReader.Open(missing);
        var m = Assert.Throws<RobotHostException>(() => reader2.GetFrame(2));
        Assert.Contains(wrist, m.Message);
        Assert.Contains("missing", m.Message);
    }
}
