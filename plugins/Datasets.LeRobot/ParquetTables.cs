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

    /// <summary>
    /// An append to <paramref name="path"/> as a tail patch, leaving the file untouched: the offset where the file's
    /// footer starts, and the bytes that replace everything from there on (the new row group, then the new footer).
    /// What a save writes is the episode's rows and the footer, not a copy of the file.
    /// </summary>
    public static (long At, byte[] Tail) AppendTail(string path, ParquetSchema schema, IReadOnlyCollection<IDictionary<string, object?>> rows)
    {
        using var file = File.OpenRead(path);
        using var overlay = new TailOverlayStream(file, path);
        Parquet.Serialization.ParquetSerializer.SerializeUntypedAsync(rows, schema, overlay, new ParquetOptions { Append = true })
            .GetAwaiter().GetResult();
        return (overlay.Start, overlay.Tail());
    }

    /// <summary>
    /// A parquet file read as is up to its footer, with every byte from the footer on held in memory: the writer
    /// appends there (over the old footer, as it would in the file) without modifying the file.
    /// </summary>
    private sealed class TailOverlayStream : Stream
    {
        private readonly FileStream _file;
        private readonly MemoryStream _tail = new();
        private long _position;
        private long _written;

        public TailOverlayStream(FileStream file, string path)
        {
            _file = file;
            var length = file.Length;
            Span<byte> end = stackalloc byte[8];
            if (length < 12) throw new RobotHostException($"parquet file {path} is too short to append to; copy it again from the original dataset");
            file.Position = length - 8;
            file.ReadExactly(end);
            var footer = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(end);
            if (!end[4..].SequenceEqual("PAR1"u8) || footer <= 0 || footer > length - 12)
                throw new RobotHostException($"parquet file {path} has no valid footer; copy it again from the original dataset");
            Start = length - 8 - footer;
            file.Position = Start;
            file.CopyTo(_tail);
            _written = _tail.Length;
        }

        /// <summary>File offset where the in-memory tail begins (the old footer's start).</summary>
        public long Start { get; }

        public byte[] Tail() => _tail.GetBuffer().AsSpan(0, (int)_written).ToArray();

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => Start + _written;
        public override long Position { get => _position; set => _position = value; }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position < Start)
            {
                _file.Position = _position;
                var n = _file.Read(buffer, offset, (int)Math.Min(count, Start - _position));
                _position += n;
                return n;
            }
            var available = (int)Math.Max(0, Math.Min(count, Start + _written - _position));
            if (available == 0) return 0;
            _tail.GetBuffer().AsSpan((int)(_position - Start), available).CopyTo(buffer.AsSpan(offset));
            _position += available;
            return available;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_position < Start) throw new InvalidOperationException("an append may only write from the old footer on");
            _tail.Position = _position - Start;
            _tail.Write(buffer, offset, count);
            _position += count;
            _written = Math.Max(_written, _position - Start);
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };

        public override void SetLength(long value)
        {
            if (value < Start) throw new InvalidOperationException("an append may not cut the file before its old footer");
            _tail.SetLength(value - Start);
            _written = value - Start;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _tail.Dispose();
            base.Dispose(disposing);
        }
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
