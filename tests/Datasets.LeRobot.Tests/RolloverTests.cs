using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

/// <summary>
/// Growth without slowdown: appending rolls data and meta/episodes files over after
/// <see cref="LeRobotLayout.EpisodesPerFile"/> episodes, a meta/episodes file stays small (one row group, not one per
/// episode with every feature's statistics in its footer), a resumed recording continues in a new meta/episodes file,
/// the dataset reads back completely, and what each save writes — a byte count, not a time — stays bounded as the
/// dataset grows.
/// </summary>
public sealed class RolloverTests
{
    [Fact]
    public void Appending_rolls_files_over_reads_back_completely_and_writes_a_bounded_amount_per_save()
    {
        const int episodes = 120, length = 30;
        var root = Path.Combine(RobotHost.Tests.Shared.RepoPaths.NewTempDirectory("lerobot-rollover"), "dataset");
        var written = new List<long>();
        using (var writer = LeRobotDatasetWriter.Create(root, SyntheticDataset.Schema(cameras: false), new DatasetWriterOptions { DataFilesSizeInMb = 1 }))
        {
            for (var e = 0; e < episodes; e++)
            {
                SyntheticDataset.Append(writer, [length]);
                written.Add(writer.LastSaveBytesWritten);
            }
        }
        Assert.False(Directory.Exists(Path.Combine(root, ".partial")));

        string[] Files(string dir) => Directory.GetFiles(Path.Combine(root, dir), "*.parquet", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["data/chunk-000/file-000.parquet", "data/chunk-000/file-001.parquet"], Files("data"));
        var metaFiles = Files("meta/episodes");
        Assert.Equal(["meta/episodes/chunk-000/file-000.parquet", "meta/episodes/chunk-000/file-001.parquet"], metaFiles);
        // 100 rows of statistics columns: tens of KB. One row group per episode made it ~1.5 MB, mostly footer.
        Assert.All(metaFiles, f => Assert.True(new FileInfo(Path.Combine(root, f)).Length < 256 * 1024, $"{f} is {new FileInfo(Path.Combine(root, f)).Length} bytes for at most 100 episodes"));

        using var reader = LeRobotDatasetReader.Open(root);
        Assert.Equal(episodes * length, reader.TotalFrames);
        Assert.Equal(Enumerable.Range(0, episodes), reader.EpisodeRecords.Select(r => r.EpisodeIndex));
        foreach (var record in reader.EpisodeRecords)
        {
            Assert.Equal((0, record.EpisodeIndex / LeRobotLayout.EpisodesPerFile), (record.DataChunk, record.DataFile));
            Assert.Equal((long)record.EpisodeIndex * length, record.FromIndex);
        }
        // Each meta/episodes file holds exactly the episodes whose rows name it.
        foreach (var file in metaFiles)
        {
            var inFile = ParquetTables.Read(Path.Combine(root, file)).Select(r => (int)ParquetTables.Long(r, "episode_index")).ToList();
            var named = reader.EpisodeRecords.Where(r => LeRobotLayout.EpisodesFile(r.MetaChunk, r.MetaFile) == file).Select(r => r.EpisodeIndex).ToList();
            Assert.Equal(named, inFile);
        }
        // Every frame, in the right episode, with its values.
        for (long i = 0; i < reader.TotalFrames; i++)
        {
            var frame = reader.GetFrame(i, withImages: false);
            Assert.Equal((i / length, i % length), (frame.EpisodeIndex, frame.FrameIndex));
            Assert.Equal(SyntheticDataset.Action(i), frame.Values[FeatureKeys.Action]);
        }

        // A save writes the episode's rows, the data file's footer and the small meta/episodes file, not copies of
        // files that grow with the dataset: the first 20 saves into the second pair of files write no more than the
        // first 20 saves into the first pair did (a copy would write the whole data file each time).
        var early = written.Take(20).Max();
        var late = written.Skip(LeRobotLayout.EpisodesPerFile).Take(20).Max();
        Assert.True(late <= early * 1.2, $"bytes written per save grew with the dataset: max {early} in saves 0–19, {late} in saves 100–119");
        var dataOnDisk = Files("data").Sum(f => new FileInfo(Path.Combine(root, f)).Length);
        Assert.True(written[^1] < dataOnDisk, $"the last save wrote {written[^1]} bytes, as much as all {dataOnDisk} bytes of frame data");

        // Resumed: the episode rows of the last meta/episodes file are not in memory, so a new file starts; every
        // episode before and after reads back.
        using (var resumed = LeRobotDatasetWriter.Resume(root)) SyntheticDataset.Append(resumed, [length, length]);
        Assert.Equal(3, Files("meta/episodes").Length);
        using var again = LeRobotDatasetReader.Open(root);
        Assert.Equal(Enumerable.Range(0, episodes + 2), again.EpisodeRecords.Select(r => r.EpisodeIndex));
        Assert.Equal(SyntheticDataset.Action((episodes + 2L) * length - 1), again.GetFrame(again.TotalFrames - 1, withImages: false).Values[FeatureKeys.Action]);
    }
}
