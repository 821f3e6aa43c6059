using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian header length,
/// a JSON header mapping each tensor name to {dtype, shape, data_offsets}, then the raw little-endian tensor bytes.
/// Written by hand so checkpoints move both ways between RobotHost and the Python ecosystem.
/// </summary>
public static class Safetensors
{
    /// <summary>Writes <paramref name="tensors"/> (any device; copied to CPU, made contiguous) with optional string metadata.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            using var cpu = tensor.detach().cpu().contiguous();
            var bytes = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(cpu.dtype),
                ["shape"] = new JsonArray(cpu.shape.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes.Length)),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The spec pads the header with spaces to a multiple of 8 so the data is aligned.
        var padded = (json.Length + 7) / 8 * 8;
        var headerBytes = new byte[padded];
        Array.Fill(headerBytes, (byte)' ');
        json.CopyTo(headerBytes, 0);
        var tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var blob in blobs) stream.Write(blob);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads every tensor of a safetensors file onto the CPU. The caller owns (disposes) the tensors.</summary>
    /// <exception cref="Sdk.RobotHostException">The file is missing or not a safetensors file.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor and the string metadata.</summary>
    public static Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        if (!File.Exists(path)) throw new Sdk.RobotHostException($"weights file '{path}' does not exist; point at a checkpoint folder holding model.safetensors");
        var data = File.ReadAllBytes(path);
        if (data.Length < 8) throw Corrupt(path, "shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)(data.Length - 8)) throw Corrupt(path, "header length beyond the end of the file");
        JsonObject header;
        try { header = JsonNode.Parse(Encoding.UTF8.GetString(data, 8, (int)headerLength))!.AsObject(); }
        catch (JsonException e) { throw Corrupt(path, "header is not JSON: " + e.Message); }
        var meta = new Dictionary<string, string>();
        var result = new Dictionary<string, Tensor>();
        var dataStart = 8 + (long)headerLength;
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) meta[k] = v?.GetValue<string>() ?? "";
                continue;
            }
            var entry = node!.AsObject();
            var dtype = ParseDType(entry["dtype"]!.GetValue<string>(), path);
            var shape = entry["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            var offsets = entry["data_offsets"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            var begin = dataStart + offsets[0];
            var end = dataStart + offsets[1];
            if (end > data.Length || begin > end) throw Corrupt(path, $"tensor '{name}' lies beyond the end of the file");
            var tensor = torch.empty(shape, dtype);
            if (end > begin) tensor.bytes = data.AsSpan((int)begin, (int)(end - begin));
            result[name] = tensor.DetachFromDisposeScope();
        }
        metadata = meta;
        return result;
    }

    private static Sdk.RobotHostException Corrupt(string path, string why) =>
        new($"'{path}' is not a valid safetensors file ({why}); re-save the checkpoint or re-download it");

    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no dtype for {type}"),
    };

    private static ScalarType ParseDType(string name, string path) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw Corrupt(path, $"unsupported dtype '{name}'"),
    };
}
