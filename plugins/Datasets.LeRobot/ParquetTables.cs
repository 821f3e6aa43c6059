using System.Collections;
using Parquet;
using Parquet.Schema;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>Reading and writing the dataset's parquet tables as rows of column name → value.</summary>
internal static class ParquetTables
{
    /// <summary>A list column as pyarrow writes it: LIST of nullable elements.</summary>
    public static ListField List<T>(string name) => new(name, new DataField<T>("element"));

    /// <summary>The frame table of a schema: user vector features, then the bookkeeping columns (lerobot DEFAULT_FEATURES).</summary>
    public static ParquetSchema FrameSchema(DatasetSchema schema)
    {
        var fields = new List<Field>();
        foreach (var f in schema.VectorFeatures)
            fields.Add(f.ElementCount == 1 && f.Shape.Count == 1 ? ScalarField(f.Key, f.DType) : ListField(f.Key, f.DType));
        fields.Add(new DataField<float>("timestamp"));
        fields.Add(new DataField<long>("frame_index"));
        fields.Add(new DataField<long>("episode_index"));
        fields.Add(new DataField<long>("index"));
        fields.Add(new DataField<long>("task_index"));
        return new ParquetSchema(fields);
    }

    private static DataField ScalarField(string key, string dtype) => dtype switch
    {
        "bool" => new DataField<bool>(key),
        "int64" => new DataField<long>(key),
        "float64" => new DataField<double>(key),
        _ => new DataField<float>(key),
    };

    private static ListField ListField(string key, string dtype) => dtype switch
    {
        "bool" => List<bool>(key),
        "int64" => List<long>(key),
        "float64" => List<double>(key),
        _ => List<float>(key),
    };

    /// <summary>A frame value in the column's type.</summary>
    public static object ToColumnValue(float[] values, FeatureSpec feature)
    {
        var scalar = feature.ElementCount == 1 && feature.Shape.Count == 1;
        return feature.DType switch
        {
            "bool" => scalar ? values[0] != 0 : values.Select(v => v != 0).ToArray(),
            "int64" => scalar ? (long)values[0] : values.Select(v => (long)v).ToArray(),
            "float64" => scalar ? (double)values[0] : values.Select(v => (double)v).ToArray(),
            _ => scalar ? values[0] : values,
        };
    }

    /// <summary>Writes rows to a new file, or appends them as a new row group (<paramref name="append"/>).</summary>
    public static void Write(string path, ParquetSchema schema, IReadOnlyCollection<IDictionary<string, object?>> rows, bool append = false, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, append ? FileMode.Open : FileMode.Create, FileAccess.ReadWrite);
        Parquet.Serialization.ParquetSerializer.SerializeUntypedAsync(rows, schema, stream,
            new ParquetOptions { Append = append }, metadata).GetAwaiter().GetResult();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads every row; a damaged file is an error naming it.</summary>
    public static IReadOnlyList<IDictionary<string, object?>> Read(string path)
    {
        if (!File.Exists(path))
            throw new RobotHostException($"parquet file {path} is missing; copy the dataset again or run `robothost dataset info` on a complete copy");
        try
        {
            using var stream = File.OpenRead(path);
            var result = Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(stream, new ParquetOptions())
                .GetAwaiter().GetResult();
            return result.Data.Cast<IDictionary<string, object?>>().ToList();
        }
        catch (Exception e) when (e is not RobotHostException)
        {
            throw new RobotHostException($"parquet file {path} is corrupt or truncated ({e.Message}); copy it again from the original dataset", e);
        }
    }

    public static long Long(IDictionary<string, object?> row, string column) => row.TryGetValue(column, out var v) && v is not null
        ? Convert.ToInt64(v is IList { Count: > 0 } l ? l[0] : v)
        : throw new RobotHostException($"column '{column}' is missing or empty");

    public static double Double(IDictionary<string, object?> row, string column) => row.TryGetValue(column, out var v) && v is not null
        ? Convert.ToDouble(v is IList { Count: > 0 } l ? l[0] : v)
        : throw new RobotHostException($"column '{column}' is missing or empty");

    /// <summary>A vector value of any numeric or bool element type, scalar or list.</summary>
    public static float[] Floats(object? value) => value switch
    {
        null => [],
        float[] f => f,
        string => throw new FormatException("a string is not a vector"),
        IEnumerable items => items.Cast<object?>().Select(ToFloat).ToArray(),
        _ => [ToFloat(value)],
    };

    private static float ToFloat(object? v) => v switch
    {
        null => float.NaN,
        bool b => b ? 1f : 0f,
        _ => Convert.ToSingle(v),
    };

    /// <summary>A list of strings as the untyped serializer takes it.</summary>
    public static ReadOnlyMemory<char>?[] StringList(IEnumerable<string> values) => values.Select(v => (ReadOnlyMemory<char>?)v.AsMemory()).ToArray();

    public static string[] Strings(object? value) => value switch
    {
        null => [],
        string s => [s],
        ReadOnlyMemory<char> m => [m.ToString()],
        IEnumerable items => items.Cast<object?>().Select(o => o switch { null => "", ReadOnlyMemory<char> m => m.ToString(), _ => o.ToString() ?? "" }).ToArray(),
        _ => [value.ToString() ?? ""],
    };
}
