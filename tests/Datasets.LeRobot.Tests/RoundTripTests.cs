using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void Every_value_and_frame_reads_back_and_counts_match_info_json()
    {
        int[] lengths = [20, 13, 25];
        var root = SyntheticDataset.Write(lengths, tasks: ["pick", "place", "pick"]);
        using var reader = LeRobotDatasetReader.Open(root);
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "meta/info.json")))!.AsObject();

        Assert.Equal("v3.0", info["codebase_version"]!.GetValue<string>());
        Assert.Equal(3, info["total_episodes"]!.GetValue<int>());
        Assert.Equal(58, info["total_frames"]!.GetValue<int>());
        Assert.Equal(2, info["total_tasks"]!.GetValue<int>());
        Assert.Equal("0:3", info["splits"]!["train"]!.GetValue<string>());
        Assert.Equal(58, reader.TotalFrames);
        Assert.Equal(["pick", "place"], reader.Tasks);
        Assert.Equal(lengths, reader.Episodes.Select(e => e.Length));
        Assert.Equal("h264", info["features"]!["observation.images.front"]!["info"]!["video.codec"]!.GetValue<string>());

        for (long i = 0; i < reader.TotalFrames; i++)
        {
            var frame = reader.GetFrame(i);
            Assert.Equal(SyntheticDataset.Action(i), frame.Values[FeatureKeys.Action]);
            Assert.Equal(SyntheticDataset.State(i), frame.Values[FeatureKeys.State]);
            Assert.Equal(i % 5 == 0 ? 1f : 0f, frame.Values[FeatureKeys.Reward][0]);
            Assert.Equal(i, frame.Index);
            var camera = 0;
            foreach (var f in reader.Schema.VisualFeatures)
            {
                var image = frame.Images[f.Key];
                Assert.Equal((f.Shape[1], f.Shape[0]), (image.Width, image.Height));
                Assert.Equal(i, SyntheticDataset.ReadNumber(image.Rgb, image.Width));
                var expected = SyntheticDataset.Image(i, camera++, image.Width, image.Height);
                Assert.True(SyntheticDataset.MeanAbsDiff(expected, image.Rgb, image.Width) < 6, $"frame {i} {f.Key} differs too much");
            }
        }
        var episode1 = reader.GetFrame(20 + 5, withImages: false);
        Assert.Equal((1L, 5L, 5f / 30f, 1L), (episode1.EpisodeIndex, episode1.FrameIndex, (float)episode1.Timestamp, episode1.TaskIndex));

        // Episodes sit back to back in one concatenated mp4 per camera.
        var spans = reader.EpisodeRecords.Select(e => e.Videos["observation.images.front"]).ToList();
        Assert.Equal(0, spans[0].FromTimestamp);
        Assert.Equal(spans[0].ToTimestamp, spans[1].FromTimestamp);
        Assert.Equal(58 / 30.0, spans[2].ToTimestamp, 9);
        Assert.All(spans, s => Assert.EndsWith("videos/observation.images.front/chunk-000/file-000.mp4", s.Path));

        // Stats: per element for vectors, per channel in [0,1] for images, with LeRobot's keys.
        var action = reader.Stats[FeatureKeys.Action];
        Assert.Equal(58, action.Count);
        Assert.Equal(Enumerable.Range(0, 58).Min(n => SyntheticDataset.Action(n)[0]), action.Min[0], 5);
        var front = reader.Stats["observation.images.front"];
        Assert.Equal(3, front.Mean.Length);
        Assert.All(front.Max, v => Assert.InRange(v, 0, 1));
        var statsJson = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "meta/stats.json")))!.AsObject();
        Assert.Equal(["min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"], statsJson["action"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(3, statsJson["observation.images.front"]!["mean"]!.AsArray().Count);
        Assert.Single(statsJson["observation.images.front"]!["mean"]![0]!.AsArray());
        Assert.True(statsJson.ContainsKey("index") && statsJson.ContainsKey("timestamp"));
    }

    [Fact]
    public void Another_reader_sees_LeRobots_column_names_types_and_row_counts()
    {
        var root = SyntheticDataset.Write([10, 7]);
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();

        var frameColumns = Describe(db, Path.Combine(root, "data/chunk-000/file-000.parquet"));
        Assert.Equal(new Dictionary<string, string>
        {
            ["action"] = "FLOAT[]", ["observation.state"] = "FLOAT[]", ["next.reward"] = "FLOAT",
            ["timestamp"] = "FLOAT", ["frame_index"] = "BIGINT", ["episode_index"] = "BIGINT", ["index"] = "BIGINT", ["task_index"] = "BIGINT",
        }, frameColumns);
        Assert.Equal(17L, Scalar(db, $"SELECT count(*) FROM '{root}/data/chunk-000/file-000.parquet'"));
        Assert.Equal(6L, Scalar(db, $"SELECT max(len(action)) FROM '{root}/data/chunk-000/file-000.parquet'"));

        var episodes = Path.Combine(root, "meta/episodes/chunk-000/file-000.parquet");
        var episodeColumns = Describe(db, episodes);
        Assert.Equal(2L, Scalar(db, $"SELECT count(*) FROM '{episodes}'"));
        foreach (var (name, type) in new[]
        {
            ("episode_index", "BIGINT"), ("tasks", "VARCHAR[]"), ("length", "BIGINT"), ("data/chunk_index", "BIGINT"), ("data/file_index", "BIGINT"),
            ("dataset_from_index", "BIGINT"), ("dataset_to_index", "BIGINT"),
            ("videos/observation.images.front/chunk_index", "BIGINT"), ("videos/observation.images.front/file_index", "BIGINT"),
            ("videos/observation.images.front/from_timestamp", "DOUBLE"), ("videos/observation.images.front/to_timestamp", "DOUBLE"),
            ("videos/observation.images.wrist/to_timestamp", "DOUBLE"),
            ("stats/action/mean", "DOUBLE[]"), ("stats/action/count", "BIGINT[]"), ("stats/action/q99", "DOUBLE[]"),
            ("stats/observation.images.front/mean", "DOUBLE[][][]"), ("stats/index/max", "DOUBLE[]"),
            ("meta/episodes/chunk_index", "BIGINT"), ("meta/episodes/file_index", "BIGINT"),
        })
            Assert.Equal(type, episodeColumns.GetValueOrDefault(name));
        Assert.Equal(17L, Scalar(db, $"SELECT max(dataset_to_index) FROM '{episodes}'"));

        var tasks = Describe(db, Path.Combine(root, "meta/tasks.parquet"));
        Assert.Equal("BIGINT", tasks["task_index"]);
        Assert.Equal("VARCHAR", tasks["__index_level_0__"]);
    }

    private static Dictionary<string, string> Describe(DuckDBConnection db, string path)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM '{path}'";
        using var reader = command.ExecuteReader();
        var columns = new Dictionary<string, string>();
        while (reader.Read()) columns[reader.GetString(0)] = reader.GetString(1);
        return columns;
    }

    private static object Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    [Fact]
    public void Windows_clamp_to_the_episode_and_flag_padding()
    {
        var root = SyntheticDataset.Write([12, 12], schema: SyntheticDataset.Schema(cameras: true));
        using var reader = LeRobotDatasetReader.Open(root);
        var deltas = new Dictionary<string, IReadOnlyList<double>>
        {
            [FeatureKeys.Action] = [0, 1 / 30.0, 2 / 30.0, 3 / 30.0],
            [FeatureKeys.State] = [-1 / 30.0, 0],
            ["observation.images.front"] = [-1 / 30.0, 0],
        };
        var window = reader.GetWindow(10, deltas);
        Assert.Equal([false, false, true, true], window.IsPad[FeatureKeys.Action]);
        Assert.Equal(SyntheticDataset.Action(11), window.Values[FeatureKeys.Action][1]);
        Assert.Equal(SyntheticDataset.Action(11), window.Values[FeatureKeys.Action][3]); // clamped to the last frame of episode 0
        var start = reader.GetWindow(12, deltas);
        Assert.Equal([true, false], start.IsPad[FeatureKeys.State]);
        Assert.Equal(SyntheticDataset.State(12), start.Values[FeatureKeys.State][0]);
        Assert.Equal(12, SyntheticDataset.ReadNumber(start.Images["observation.images.front"][0].Rgb, 96));
        Assert.Equal(9, SyntheticDataset.ReadNumber(window.Images["observation.images.front"][0].Rgb, 96));
    }

    [Fact]
    public void Concurrent_readers_get_the_right_frames()
    {
        var root = SyntheticDataset.Write([30, 30]);
        using var reader = LeRobotDatasetReader.Open(root);
        var failures = 0;
        Parallel.For(0, 240, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var index = (k * 37) % 60;
            var frame = reader.GetFrame(index);
            if (SyntheticDataset.ReadNumber(frame.Images["observation.images.wrist"].Rgb, 128) != index) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }
}
