using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet.Schema;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>Where one episode's frames in a camera's concatenated mp4 sit.</summary>
/// <param name="Path">Absolute mp4 path.</param>
/// <param name="Chunk">Chunk index.</param>
/// <param name="File">File index.</param>
/// <param name="FromTimestamp">Start of the episode in the file, seconds.</param>
/// <param name="ToTimestamp">End of the episode in the file, seconds.</param>
public sealed record VideoSpan(string Path, int Chunk, int File, double FromTimestamp, double ToTimestamp);

/// <summary>One row of meta/episodes (or of a v2.1 episodes.jsonl), resolved to files.</summary>
public sealed record EpisodeRecord(
    int EpisodeIndex, int Length, long FromIndex, long ToIndex, IReadOnlyList<string> Tasks,
    int DataChunk, int DataFile, string DataPath, int MetaChunk, int MetaFile,
    IReadOnlyDictionary<string, VideoSpan> Videos, IReadOnlyDictionary<string, FeatureStats> Stats)
{
    /// <summary>The SDK's view.</summary>
    public EpisodeInfo ToInfo() => new(EpisodeIndex, Length, FromIndex, ToIndex, Tasks);
}

/// <summary>Loads and writes the meta/ files of a v3.0 dataset.</summary>
public static class LeRobotMetadata
{
    /// <summary>meta/tasks.parquet: task strings by task index.</summary>
    public static IReadOnlyList<string> LoadTasks(string root)
    {
        var path = Path.Combine(root, LeRobotLayout.TasksPath);
        var rows = ParquetTables.Read(path);
        try
        {
            return rows.OrderBy(r => ParquetTables.Long(r, "task_index"))
                .Select(r => ParquetTables.Strings(r.TryGetValue("__index_level_0__", out var t) ? t : r.TryGetValue("task", out var t2) ? t2 : null).FirstOrDefault() ?? "")
                .ToList();
        }
        catch (Exception e) when (e is not RobotHostException)
        {
            throw new RobotHostException($"{path} has no task_index/task columns ({e.Message}); copy meta/tasks.parquet again", e);
        }
    }

    /// <summary>
    /// Writes meta/tasks.parquet as pandas does (task strings as the index <c>__index_level_0__</c>, with pandas'
    /// metadata so pandas.read_parquet restores it as the index LeRobot looks tasks up by).
    /// </summary>
    public static void WriteTasks(string path, IReadOnlyList<string> tasks)
    {
        var schema = new ParquetSchema(new DataField<long>("task_index"), new DataField<string>("__index_level_0__"));
        var rows = tasks.Select((t, i) => (IDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["task_index"] = (long)i,
            ["__index_level_0__"] = (ReadOnlyMemory<char>?)t.AsMemory(),
        }).ToList();
        ParquetTables.Write(path, schema, rows, metadata: new Dictionary<string, string> { ["pandas"] = PandasIndexMetadata });
    }

    private const string PandasIndexMetadata =
        """{"index_columns": ["__index_level_0__"], "column_indexes": [{"name": null, "field_name": null, "pandas_type": "unicode", "numpy_type": "object", "metadata": {"encoding": "UTF-8"}}], "columns": [{"name": "task_index", "field_name": "task_index", "pandas_type": "int64", "numpy_type": "int64", "metadata": null}, {"name": null, "field_name": "__index_level_0__", "pandas_type": "unicode", "numpy_type": "object", "metadata": null}], "creator": {"library": "pyarrow", "version": "18.1.0"}, "pandas_version": "2.2.3"}""";

    /// <summary>Every row of meta/episodes/*/*.parquet in episode order.</summary>
    public static List<EpisodeRecord> LoadEpisodes(string root, DatasetSchema schema)
    {
        var dir = Path.Combine(root, "meta", "episodes");
        var result = new List<EpisodeRecord>();
        if (!Directory.Exists(dir)) return result;
        foreach (var file in Directory.EnumerateFiles(dir, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (var row in ParquetTables.Read(file))
            {
                try
                {
                    result.Add(FromRow(root, schema, row));
                }
                catch (Exception e) when (e is not RobotHostException)
                {
                    throw new RobotHostException($"{file} has an invalid episode row ({e.Message}); copy meta/episodes again", e);
                }
                catch (RobotHostException e)
                {
                    throw new RobotHostException($"{file}: {e.Message}; copy meta/episodes again", e);
                }
            }
        }
        return result.OrderBy(e => e.EpisodeIndex).ToList();
    }

    private static EpisodeRecord FromRow(string root, DatasetSchema schema, IDictionary<string, object?> row)
    {
        var videos = new Dictionary<string, VideoSpan>();
        foreach (var f in schema.VisualFeatures)
        {
            var chunk = (int)ParquetTables.Long(row, $"videos/{f.Key}/chunk_index");
            var file = (int)ParquetTables.Long(row, $"videos/{f.Key}/file_index");
            videos[f.Key] = new VideoSpan(Path.Combine(root, LeRobotLayout.VideoFile(f.Key, chunk, file)), chunk, file,
                ParquetTables.Double(row, $"videos/{f.Key}/from_timestamp"), ParquetTables.Double(row, $"videos/{f.Key}/to_timestamp"));
        }
        var stats = new Dictionary<string, FeatureStats>();
        foreach (var key in row.Keys.Where(k => k.StartsWith("stats/", StringComparison.Ordinal) && k.EndsWith("/mean", StringComparison.Ordinal)))
        {
            var feature = key["stats/".Length..^"/mean".Length];
            double[] Get(string stat) => row.TryGetValue($"stats/{feature}/{stat}", out var v) ? Flatten(v).ToArray() : [];
            var count = Get("count");
            stats[feature] = new FeatureStats(Get("min"), Get("max"), Get("mean"), Get("std"), count.Length > 0 ? (long)count[0] : 0,
                LeRobotLayout.Quantiles.Where(q => row.ContainsKey($"stats/{feature}/{q.Name}")).ToDictionary(q => q.Name, q => Get(q.Name)));
        }
        var dataChunk = (int)ParquetTables.Long(row, "data/chunk_index");
        var dataFile = (int)ParquetTables.Long(row, "data/file_index");
        return new EpisodeRecord(
            (int)ParquetTables.Long(row, "episode_index"), (int)ParquetTables.Long(row, "length"),
            ParquetTables.Long(row, "dataset_from_index"), ParquetTables.Long(row, "dataset_to_index"),
            ParquetTables.Strings(row.TryGetValue("tasks", out var t) ? t : null),
            dataChunk, dataFile, Path.Combine(root, LeRobotLayout.DataFile(dataChunk, dataFile)),
            row.ContainsKey("meta/episodes/chunk_index") ? (int)ParquetTables.Long(row, "meta/episodes/chunk_index") : 0,
            row.ContainsKey("meta/episodes/file_index") ? (int)ParquetTables.Long(row, "meta/episodes/file_index") : 0,
            videos, stats);
    }

    private static IEnumerable<double> Flatten(object? value) => value switch
    {
        null => [],
        string => [],
        System.Collections.IEnumerable items => items.Cast<object?>().SelectMany(Flatten),
        _ => [Convert.ToDouble(value)],
    };

    /// <summary>A JSON object file; malformed → error naming the file.</summary>
    public static JsonObject LoadJson(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new RobotHostException($"{path} is not a JSON object; copy it again from the original dataset");
        }
        catch (JsonException e)
        {
            throw new RobotHostException($"{path} is corrupt or truncated ({e.Message}); copy it again from the original dataset", e);
        }
    }
}
