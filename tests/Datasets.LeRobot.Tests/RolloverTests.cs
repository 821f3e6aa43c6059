using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

/// <summary>
/// Growth without slowdown: appending rolls data and meta/episodes files over (meta by its 1 MB size limit, data after
/// <see cref="LeRobotLayout.EpisodesPerFile"/> episodes), the dataset reads back completely, and what each save writes
/// — a byte count, not a time — stays bounded as the dataset grows.
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
        Assert.True(metaFiles.Length >= 3, $"meta/episodes did not roll over by size: {string.Join(", ", metaFiles)}");
        // A file rolls over when one more episode (its average so far) would pass the limit.
        Assert.All(metaFiles, f => Assert.True(new FileInfo(Path.Combine(root, f)).Length < 1.02 * 1048576, $"{f} is well past the 1 MB limit"));

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

        // A save writes the episode's rows and the files' footers, not copies of files that grow with the dataset:
        // the second half of the saves writes no more than the first half did (each half spans a whole meta/episodes
        // file, whose footer is most of what a save writes; a copy would write the whole data file each time).
        var early = written.Take(episodes / 2).Max();
        var late = written.Skip(episodes / 2).Max();
        Assert.True(late <= early * 1.2, $"bytes written per save grew with the dataset: max {early} in the first half of the saves, {late} in the second half");
        var dataOnDisk = Files("data").Sum(f => new FileInfo(Path.Combine(root, f)).Length);
        Assert.True(written[^1] < dataOnDisk, $"the last save wrote {written[^1]} bytes, as much as all {dataOnDisk} bytes of frame data");
    }
}
