using System.Text.Json.Nodes;
using Parquet.Serialization;
using RobotHost.Sdk;

namespace RobotHost.Tests.Support;

/// <summary>
/// Lays out a copy of a LeRobot v3.0 dataset (vectors only, no cameras) in the older v2.1 layout, the way LeRobot
/// v2.1 stores it: one parquet per episode under <c>data/chunk-000/episode_000000.parquet</c> with the same columns,
/// <c>meta/episodes.jsonl</c>, <c>meta/tasks.jsonl</c>, <c>meta/info.json</c> with codebase_version v2.1 and the
/// per-episode path templates, and <c>meta/stats.json</c> as it was.
/// </summary>
internal static class V21Export
{
    public static void Write(IDatasetReader source, string v30Root, string destination)
    {
        if (source.Schema.VisualFeatures.Any()) throw new NotSupportedException("V21Export copies vector-only datasets");
        var rows = new List<IDictionary<string, object?>>();
        Parquet.Schema.ParquetSchema? schema = null;
        foreach (var file in Directory.GetFiles(Path.Combine(v30Root, "data"), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var table = ParquetSerializer.DeserializeUntypedAsync(stream, new Parquet.ParquetOptions()).GetAwaiter().GetResult();
            schema ??= table.Schema;
            rows.AddRange(table.Data.Cast<IDictionary<string, object?>>());
        }
        foreach (var episode in rows.GroupBy(r => Convert.ToInt64(r["episode_index"], System.Globalization.CultureInfo.InvariantCulture)))
        {
            var path = Path.Combine(destination, "data", "chunk-000", $"episode_{episode.Key:D6}.parquet");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var stream = File.Create(path);
            ParquetSerializer.SerializeUntypedAsync(episode.ToList(), schema!, stream).GetAwaiter().GetResult();
        }

        var meta = Path.Combine(destination, "meta");
        Directory.CreateDirectory(meta);
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(v30Root, "meta", "info.json")))!.AsObject();
        info["codebase_version"] = "v2.1";
        info["data_path"] = "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet";
        info["video_path"] = null;
        info["total_chunks"] = 1;
        info.Remove("data_files_size_in_mb");
        info.Remove("video_files_size_in_mb");
        File.WriteAllText(Path.Combine(meta, "info.json"), info.ToJsonString());
        File.WriteAllLines(Path.Combine(meta, "tasks.jsonl"),
            source.Tasks.Select((t, i) => new JsonObject { ["task_index"] = i, ["task"] = t }.ToJsonString()));
        File.WriteAllLines(Path.Combine(meta, "episodes.jsonl"), source.Episodes.Select(e => new JsonObject
        {
            ["episode_index"] = e.EpisodeIndex, ["tasks"] = new JsonArray(e.Tasks.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()), ["length"] = e.Length,
        }.ToJsonString()));
        File.Copy(Path.Combine(v30Root, "meta", "stats.json"), Path.Combine(meta, "stats.json"));
    }
}
