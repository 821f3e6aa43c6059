using System.Diagnostics;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

/// <summary>
/// Saving an episode appends its video fragments to each camera's mp4: the bytes already in the file are never
/// rewritten, a save writes about one episode of video, and every frame decodes at its own time. A file that cannot
/// take fragments (an mp4 written without them, as older datasets were) is closed and the next episode starts a new one.
/// </summary>
public sealed class VideoAppendTests
{
    private const string Front = "observation.images.front";

    [Fact]
    public void A_save_appends_the_episode_to_the_mp4_without_rewriting_what_is_there()
    {
        int[] lengths = [30, 30, 30, 30, 30];
        var root = Path.Combine(RobotHost.Tests.Shared.RepoPaths.NewTempDirectory("lerobot-video-append"), "dataset");
        var file = Path.Combine(root, LeRobotLayout.VideoFile(Front, 0, 0));
        byte[] before;
        long lastSave;
        using (var writer = LeRobotDatasetWriter.Create(root, SyntheticDataset.Schema()))
        {
            SyntheticDataset.Append(writer, lengths[..^1], noiseSeed: 7);
            before = File.ReadAllBytes(file);
            SyntheticDataset.Append(writer, [lengths[^1]], noiseSeed: 7);
            lastSave = writer.LastSaveBytesWritten;
        }
        var after = File.ReadAllBytes(file);
        Assert.True(after.Length > before.Length, "the last episode's video did not land in the camera's file");
        Assert.True(after.AsSpan(0, before.Length).SequenceEqual(before), "saving the last episode rewrote video bytes of the episodes before it");
        // Noisy frames make video most of what a save writes: one episode of it, not the four already in the files.
        var saved = Directory.GetFiles(Path.Combine(root, "videos"), "*.mp4", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(lastSave < saved / 2, $"the last save wrote {lastSave} bytes, the video files hold {saved}");

        using var reader = LeRobotDatasetReader.Open(root);
        Assert.All(reader.EpisodeRecords, r => Assert.EndsWith(LeRobotLayout.VideoFile(Front, 0, 0), r.Videos[Front].Path));
        AssertFramesDecode(reader);
    }

    [Fact]
    public void An_mp4_without_fragments_is_closed_and_the_next_episode_starts_a_new_file()
    {
        var root = SyntheticDataset.Write([20, 20]);
        // An older dataset: the same video re-muxed as a plain mp4 (one moov indexing every sample).
        foreach (var camera in new[] { Front, "observation.images.wrist" })
        {
            var file = Path.Combine(root, LeRobotLayout.VideoFile(camera, 0, 0));
            var plain = file + ".plain.mp4";
            using (var ffmpeg = Process.Start("ffmpeg", ["-hide_banner", "-v", "error", "-i", file, "-c", "copy", "-movflags", "+faststart", "-y", plain])!)
            {
                ffmpeg.WaitForExit();
                Assert.Equal(0, ffmpeg.ExitCode);
            }
            File.Move(plain, file, overwrite: true);
            Assert.False(FragmentedMp4.Read(file).Fragmented);
        }
        using (var writer = LeRobotDatasetWriter.Resume(root)) SyntheticDataset.Append(writer, [25]);

        using var reader = LeRobotDatasetReader.Open(root);
        var spans = reader.EpisodeRecords.Select(r => r.Videos[Front]).ToList();
        Assert.EndsWith(LeRobotLayout.VideoFile(Front, 0, 0), spans[1].Path);
        Assert.EndsWith(LeRobotLayout.VideoFile(Front, 0, 1), spans[2].Path);
        Assert.Equal(0, spans[2].FromTimestamp);
        AssertFramesDecode(reader);
    }

    /// <summary>The first, a middle and the last frame of every episode carry their own frame number.</summary>
    private static void AssertFramesDecode(LeRobotDatasetReader reader)
    {
        foreach (var episode in reader.Episodes)
            foreach (var i in new[] { episode.FromIndex, episode.FromIndex + episode.Length / 2, episode.FromIndex + episode.Length - 1 })
            {
                var frame = reader.GetFrame(i);
                foreach (var f in reader.Schema.VisualFeatures)
                    Assert.Equal(i, SyntheticDataset.ReadNumber(frame.Images[f.Key].Rgb, frame.Images[f.Key].Width));
            }
    }
}
