using DuckDB.NET.Data;
using System.Text.Json.Nodes;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

/// <summary>
/// Datasets of corrections carry two per-frame columns, <c>intervention</c> (bool) and <c>source</c> (int64): they must
/// round-trip through our reader and appear to another parquet reader with LeRobot's scalar column types.
/// </summary>
public sealed class CorrectionColumnsTests
{
    private static readonly string[] Joints = SyntheticDataset.Joints;

    [Fact]
    public void Source_and_intervention_round_trip_and_another_reader_sees_them_as_boolean_and_bigint()
    {
        var root = Path.Combine(RepoPaths.NewTempDirectory("lerobot-corrections"), "corrections");
        var schema = new DatasetSchema("sim_so101", 30, [
            FeatureSpec.Vector(FeatureKeys.State, Joints),
            FeatureSpec.Vector(FeatureKeys.Action, Joints),
            new(FeatureKeys.Intervention, "bool", [1], null),
            new(FeatureKeys.Source, "int64", [1], null),
        ]);
        // Episode 0: the expert drives frames 0–4 (a DAgger segment), the policy 5–9. Episode 1: policy, then a takeover.
        (bool Intervention, FrameSource Source)[][] episodes =
        [
            [.. Enumerable.Range(0, 10).Select(i => (i < 5, FrameSource.Dagger))],
            [.. Enumerable.Range(0, 6).Select(i => (i >= 3, i >= 3 ? FrameSource.Takeover : FrameSource.Policy))],
        ];
        var format = new LeRobotFormat();
        using (var writer = format.Create(root, schema))
        {
            var n = 0;
            foreach (var episode in episodes)
            {
                foreach (var (intervention, source) in episode)
                {
                    writer.AddFrame(new DatasetFrame
                    {
                        Values = new Dictionary<string, float[]>
                        {
                            [FeatureKeys.State] = SyntheticDataset.State(n),
                            [FeatureKeys.Action] = SyntheticDataset.Action(n),
                            [FeatureKeys.Intervention] = [intervention ? 1 : 0],
                            [FeatureKeys.Source] = [(float)source],
                        },
                    });
                    n++;
                }
                writer.SaveEpisode("pick_place");
            }
        }

        using (var reader = format.Open(root))
        {
            Assert.Equal("bool", reader.Schema[FeatureKeys.Intervention].DType);
            Assert.Equal("int64", reader.Schema[FeatureKeys.Source].DType);
            var expected = episodes.SelectMany(e => e).ToList();
            for (var i = 0; i < expected.Count; i++)
            {
                var frame = reader.GetFrame(i, withImages: false);
                Assert.Equal(expected[i].Intervention ? 1f : 0f, frame.Values[FeatureKeys.Intervention][0]);
                Assert.Equal((float)expected[i].Source, frame.Values[FeatureKeys.Source][0]);
            }
        }
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "meta/info.json")))!["features"]!;
        Assert.Equal("bool", info[FeatureKeys.Intervention]!["dtype"]!.GetValue<string>());
        Assert.Equal("int64", info[FeatureKeys.Source]!["dtype"]!.GetValue<string>());
        Assert.Equal([1], info[FeatureKeys.Source]!["shape"]!.AsArray().Select(v => v!.GetValue<int>()));

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        var data = $"{root}/data/chunk-000/file-000.parquet";
        using (var describe = db.CreateCommand())
        {
            describe.CommandText = $"DESCRIBE SELECT intervention, source FROM '{data}'";
            using var columns = describe.ExecuteReader();
            var types = new Dictionary<string, string>();
            while (columns.Read()) types[columns.GetString(0)] = columns.GetString(1);
            Assert.Equal("BOOLEAN", types["intervention"]);
            Assert.Equal("BIGINT", types["source"]);
        }
        using var query = db.CreateCommand();
        query.CommandText = $"SELECT source, count(*), CAST(sum(CAST(intervention AS INTEGER)) AS BIGINT) FROM '{data}' GROUP BY source ORDER BY source";
        using var rows = query.ExecuteReader();
        var counts = new List<(long Source, long Frames, long Interventions)>();
        while (rows.Read()) counts.Add((rows.GetInt64(0), rows.GetInt64(1), rows.GetInt64(2)));
        Assert.Equal([((long)FrameSource.Policy, 3L, 0L), ((long)FrameSource.Dagger, 10L, 5L), ((long)FrameSource.Takeover, 3L, 3L)], counts);
    }
}
