using System.Diagnostics;
using System.Text.Json.Nodes;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

public sealed class CompatibilityTests
{
    [Fact]
    public void An_AV1_dataset_encoded_as_LeRobot_does_reads_frame_exact()
    {
        int[] lengths = [15, 12];
        var root = SyntheticDataset.Write(lengths);
        var total = lengths.Sum();
        var camera = 0;
        using (var probe = LeRobotDatasetReader.Open(root))
        {
            foreach (var f in probe.Schema.VisualFeatures)
            {
                // LeRobot's encoder settings (video_utils.encode_video_frames): libsvtav1, yuv420p, g=2, crf=30,
                // episodes back to back in one file.
                var raw = Path.Combine(root, $"{camera}.rgb");
                using (var stream = File.Create(raw))
                    for (var n = 0; n < total; n++) stream.Write(SyntheticDataset.Image(n, camera, f.Shape[1], f.Shape[0]));
                var mp4 = Path.Combine(root, "videos", f.Key, "chunk-000", "file-000.mp4");
                Ffmpeg($"-v error -f rawvideo -pix_fmt rgb24 -s {f.Shape[1]}x{f.Shape[0]} -r 30 -i {raw} -c:v libsvtav1 -pix_fmt yuv420p -g 2 -crf 30 -y {mp4}");
                File.Delete(raw);
                camera++;
            }
        }
        var infoPath = Path.Combine(root, "meta/info.json");
        var info = JsonNode.Parse(File.ReadAllText(infoPath))!;
        foreach (var f in new[] { "observation.images.front", "observation.images.wrist" }) info["features"]![f]!["info"]!["video.codec"] = "av1";
        File.WriteAllText(infoPath, info.ToJsonString());

        using var reader = LeRobotDatasetReader.Open(root);
        for (long i = 0; i < total; i++)
        {
            var frame = reader.GetFrame(i);
            Assert.Equal(i, SyntheticDataset.ReadNumber(frame.Images["observation.images.front"].Rgb, 96));
            Assert.Equal(i, SyntheticDataset.ReadNumber(frame.Images["observation.images.wrist"].Rgb, 128));
            Assert.True(SyntheticDataset.MeanAbsDiff(SyntheticDataset.Image(i, 1, 128, 96), frame.Images["observation.images.wrist"].Rgb, 128) < 8);
        }
    }

    [Fact]
    public void A_v21_dataset_reads_and_converts_to_v30()
    {
        var root = Path.Combine(RepoPaths.NewTempDirectory("lerobot-v21"), "v21");
        var schema = new DatasetSchema("so100", 30, [
            FeatureSpec.Vector(FeatureKeys.Action, SyntheticDataset.Joints),
            FeatureSpec.Vector(FeatureKeys.State, SyntheticDataset.Joints),
            FeatureSpec.Video(FeatureKeys.Image("front"), 96, 96)]);
        int[] lengths = [10, 14];
        WriteV21(root, schema, lengths);

        using (var reader = LeRobotDatasetReader.Open(root))
        {
            Assert.Equal("v2.1", reader.CodebaseVersion);
            Assert.Equal(24, reader.TotalFrames);
            Assert.Equal(["grasp", "lift"], reader.Tasks);
            var frame = reader.GetFrame(17);
            Assert.Equal(SyntheticDataset.Action(17), frame.Values[FeatureKeys.Action]);
            Assert.Equal((1L, 7L), (frame.EpisodeIndex, frame.FrameIndex));
            Assert.Equal(17, SyntheticDataset.ReadNumber(frame.Images["observation.images.front"].Rgb, 96));
        }

        var destination = Path.Combine(Path.GetDirectoryName(root)!, "v30");
        using var converted = DatasetConverter.Convert(root, destination);
        Assert.Equal("v3.0", converted.CodebaseVersion);
        Assert.Equal(lengths, converted.Episodes.Select(e => e.Length));
        Assert.Equal(["grasp"], converted.Episodes[0].Tasks);
        Assert.Equal(["lift"], converted.Episodes[1].Tasks);
        for (long i = 0; i < 24; i++)
        {
            var frame = converted.GetFrame(i);
            Assert.Equal(SyntheticDataset.State(i), frame.Values[FeatureKeys.State]);
            Assert.Equal(i, SyntheticDataset.ReadNumber(frame.Images["observation.images.front"].Rgb, 96));
        }
    }

    private static void WriteV21(string root, DatasetSchema schema, int[] lengths)
    {
        var info = DatasetInfo.Create(schema, new DatasetWriterOptions());
        info["codebase_version"] = "v2.1";
        info["total_episodes"] = lengths.Length;
        info["total_frames"] = lengths.Sum();
        info["data_path"] = "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet";
        info["video_path"] = "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4";
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        File.WriteAllText(Path.Combine(root, "meta/info.json"), info.ToJsonString());
        File.WriteAllLines(Path.Combine(root, "meta/tasks.jsonl"), ["""{"task_index": 0, "task": "grasp"}""", """{"task_index": 1, "task": "lift"}"""]);
        var episodes = new List<string>();
        long index = 0;
        var video = new VideoTools();
        for (var e = 0; e < lengths.Length; e++)
        {
            episodes.Add($$"""{"episode_index": {{e}}, "tasks": ["{{(e == 0 ? "grasp" : "lift")}}"], "length": {{lengths[e]}}}""");
            var rows = new List<IDictionary<string, object?>>();
            var mp4 = Path.Combine(root, $"videos/chunk-000/observation.images.front/episode_{e:D6}.mp4");
            Directory.CreateDirectory(Path.GetDirectoryName(mp4)!);
            using var encoder = video.StartEncoder(mp4, 96, 96, 30, "h264");
            for (var i = 0; i < lengths[e]; i++, index++)
            {
                rows.Add(new Dictionary<string, object?>
                {
                    ["action"] = SyntheticDataset.Action(index), ["observation.state"] = SyntheticDataset.State(index),
                    ["timestamp"] = (float)(i / 30.0), ["frame_index"] = (long)i, ["episode_index"] = (long)e, ["index"] = index, ["task_index"] = (long)e,
                });
                encoder.Write(SyntheticDataset.Image(index, 0, 96, 96));
            }
            encoder.Finish();
            ParquetTables.Write(Path.Combine(root, $"data/chunk-000/episode_{e:D6}.parquet"), ParquetTables.FrameSchema(schema), rows);
        }
        File.WriteAllLines(Path.Combine(root, "meta/episodes.jsonl"), episodes);
    }

    internal static void Ffmpeg(string args)
    {
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }
}
