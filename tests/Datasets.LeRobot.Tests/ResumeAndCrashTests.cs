using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

public sealed class ResumeAndCrashTests
{
    [Fact]
    public void Resume_appends_and_continues_numbering()
    {
        var root = SyntheticDataset.Write([10, 8], tasks: ["pick"]);
        using (var writer = new LeRobotFormat().Resume(root))
        {
            Assert.Equal(2, writer.EpisodeCount);
            SyntheticDataset.Append(writer, [12], ["stack"]);
            Assert.Equal(3, writer.EpisodeCount);
        }
        using var reader = LeRobotDatasetReader.Open(root);
        Assert.Equal([0, 1, 2], reader.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal(30, reader.TotalFrames);
        Assert.Equal(["pick", "stack"], reader.Tasks);
        var last = reader.GetFrame(29);
        Assert.Equal((2L, 11L, 1L), (last.EpisodeIndex, last.FrameIndex, last.TaskIndex));
        Assert.Equal(SyntheticDataset.Action(29), last.Values[FeatureKeys.Action]);
        Assert.Equal(29, SyntheticDataset.ReadNumber(last.Images["observation.images.front"].Rgb, 96));
        Assert.Equal(18, SyntheticDataset.ReadNumber(reader.GetFrame(18).Images["observation.images.wrist"].Rgb, 128));
        Assert.Equal(30, reader.Stats[FeatureKeys.State].Count);
    }

    [Fact]
    public void A_writer_killed_mid_episode_leaves_saved_episodes_readable_and_resume_discards_the_partial_one()
    {
        var root = Path.Combine(RobotHost.Tests.Shared.RepoPaths.NewTempDirectory("lerobot-crash"), "dataset");
        var writer = LeRobotDatasetWriter.Create(root, SyntheticDataset.Schema());
        SyntheticDataset.Append(writer, [9, 11]);
        for (var i = 0; i < 7; i++) writer.AddFrame(SyntheticDataset.Frame(writer.Schema, 20 + i));
        writer.SimulateCrash(); // no Dispose, no cleanup: what SIGKILL leaves behind
        Assert.NotEmpty(Directory.GetDirectories(Path.Combine(root, ".partial"), "episode-*"));

        using (var reader = LeRobotDatasetReader.Open(root))
        {
            Assert.Equal(2, reader.Episodes.Count);
            Assert.Equal(19, SyntheticDataset.ReadNumber(reader.GetFrame(19).Images["observation.images.front"].Rgb, 96));
        }

        var log = new ListLoggerFactory();
        using (var resumed = new LeRobotFormat(log).Resume(root))
        {
            Assert.Contains(log.Messages, m => m.Contains("never saved", StringComparison.Ordinal));
            Assert.Empty(Directory.GetDirectories(Path.Combine(root, ".partial"), "episode-*"));
            Assert.Equal(2, resumed.EpisodeCount);
            SyntheticDataset.Append(resumed, [5]);
        }
        using var after = LeRobotDatasetReader.Open(root);
        Assert.Equal([9, 11, 5], after.Episodes.Select(e => e.Length));
        Assert.Equal(24, SyntheticDataset.ReadNumber(after.GetFrame(24).Images["observation.images.wrist"].Rgb, 128));
        Assert.False(Directory.Exists(Path.Combine(root, ".partial")));
    }

    [Fact]
    public void A_commit_interrupted_after_its_journal_is_rolled_forward()
    {
        var root = SyntheticDataset.Write([6]);
        // A commit that got as far as its journal: the new info.json is staged, not yet moved into place.
        var staged = Path.Combine(root, ".partial", "commit-000001", "info.json");
        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
        var info = File.ReadAllText(Path.Combine(root, "meta/info.json")).Replace("\"robot_type\": \"so101_follower\"", "\"robot_type\": \"rolled_forward\"");
        File.WriteAllText(staged, info);
        File.WriteAllText(Path.Combine(root, ".partial", "commit.json"), """[[".partial/commit-000001/info.json","meta/info.json"]]""");
        using (new LeRobotFormat().Resume(root)) { }
        Assert.Contains("rolled_forward", File.ReadAllText(Path.Combine(root, "meta/info.json")));
    }

    [Fact]
    public void An_append_is_staged_without_touching_the_file_and_rolling_it_forward_twice_gives_the_same_file()
    {
        var schema = SyntheticDataset.Schema(cameras: false);
        var root = SyntheticDataset.Write([6], schema: schema);
        var data = Path.Combine(root, "data/chunk-000/file-000.parquet");
        var before = File.ReadAllBytes(data);
        var rows = ParquetTables.Read(data).Take(3).ToList();
        var (at, tail) = ParquetTables.AppendTail(data, ParquetTables.FrameSchema(schema), rows);
        Assert.Equal(before, File.ReadAllBytes(data));
        Assert.InRange(at, 4, before.Length - 8);

        // A commit killed after its patch ran but before the journal was removed: the file is already patched.
        var staged = Path.Combine(root, ".partial", "commit-000001", "data.tail");
        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
        File.WriteAllBytes(staged, tail);
        File.WriteAllBytes(data, [.. before.AsSpan(0, (int)at), .. tail]);
        File.WriteAllText(Path.Combine(root, ".partial", "commit.json"), $$"""[[".partial/commit-000001/data.tail","data/chunk-000/file-000.parquet","{{at}}"]]""");
        using (new LeRobotFormat().Resume(root)) { }
        Assert.Equal([.. before.AsSpan(0, (int)at), .. tail], File.ReadAllBytes(data));
        Assert.Equal([0L, 1, 2, 3, 4, 5, 0, 1, 2], ParquetTables.Read(data).Select(r => ParquetTables.Long(r, "index")));
        using var reader = LeRobotDatasetReader.Open(root);
        Assert.Equal(6, reader.TotalFrames); // rows past the last listed episode are not frames
    }

    [Fact]
    public void Discarded_episodes_leave_no_trace_and_files_roll_over_by_size()
    {
        var root = Path.Combine(RobotHost.Tests.Shared.RepoPaths.NewTempDirectory("lerobot-roll"), "dataset");
        // Noisy 320×240 frames: about 1 MB of H.264 per episode, so a 1 MB limit starts a new file per episode.
        using (var writer = LeRobotDatasetWriter.Create(root, SyntheticDataset.Schema(320, 240), new DatasetWriterOptions { VideoFilesSizeInMb = 1 }))
        {
            for (var i = 0; i < 5; i++) writer.AddFrame(SyntheticDataset.Frame(writer.Schema, 999));
            writer.DiscardEpisode();
            Assert.Equal(0, writer.PendingFrames);
            SyntheticDataset.Append(writer, [40, 40, 40], noiseSeed: 7);
        }
        Assert.False(Directory.Exists(Path.Combine(root, ".partial")));
        using var reader = LeRobotDatasetReader.Open(root);
        Assert.Equal(120, reader.TotalFrames);
        var files = reader.EpisodeRecords.Select(e => e.Videos["observation.images.front"].File).ToList();
        Assert.True(files[^1] > 0, $"video files did not roll over: {string.Join(",", files)}");
        var rolled = reader.EpisodeRecords.First(e => e.Videos["observation.images.front"].File > 0);
        Assert.Equal(0, rolled.Videos["observation.images.front"].FromTimestamp);
        foreach (var index in new long[] { 0, 39, 40, 79, 80, 119 })
            Assert.Equal(index, SyntheticDataset.ReadNumber(reader.GetFrame(index).Images["observation.images.front"].Rgb, 320));
    }

    private sealed class ListLoggerFactory : ILoggerFactory
    {
        public List<string> Messages { get; } = [];
        public ILogger CreateLogger(string categoryName) => new ListLogger(Messages);
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }

        private sealed class ListLogger(List<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (messages) messages.Add(formatter(state, exception));
            }
        }
    }
}
