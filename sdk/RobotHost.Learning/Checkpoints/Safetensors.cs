using System.Buffers.Binary;
using System.Security.Cryptography;
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
/// RobotHost adds one metadata entry, <see cref="ChecksumKey"/>: the SHA-256 of the whole file with that value's own
/// 64 hex digits read as zeros. <see cref="Load(string, out IReadOnlyDictionary{string, string})"/> verifies it, so a
/// flipped byte anywhere (header or tensor data) is an error instead of other weights; files without it (older
/// checkpoints, files from other tools) load unchecked.
/// </summary>
public static class Safetensors
{
    /// <summary>Metadata key of the file's SHA-256 (hex, computed with its own digits read as zeros).</summary>
    public const string ChecksumKey = "robothost_sha256";

    private const int ChecksumHexLength = 64;

    /// <summary>Writes <paramref name="tensors"/> (any device; copied to CPU, made contiguous) with optional string metadata.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        var meta = new JsonObject();
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>())
            if (k != ChecksumKey) meta[k] = v;
        meta[ChecksumKey] = new string('0', ChecksumHexLength);
        header["__metadata__"] = meta;
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
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        var digits = ChecksumDigits(headerBytes) ?? throw new InvalidOperationException("the checksum entry is missing from the header just built");
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            sha.AppendData(length);
            sha.AppendData(headerBytes);
            foreach (var blob in blobs) sha.AppendData(blob);
            Encoding.ASCII.GetBytes(Convert.ToHexStringLower(sha.GetHashAndReset())).CopyTo(headerBytes, digits);
        }
        var tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
        {
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var blob in blobs) stream.Write(blob);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Offset of the checksum's hex digits in the header bytes (the serialised form has no spaces), or null.</summary>
    private static int? ChecksumDigits(ReadOnlySpan<byte> header)
    {
        var marker = Encoding.ASCII.GetBytes($"\"{ChecksumKey}\":\"");
        var at = header.IndexOf(marker);
        return at < 0 || at + marker.Length + ChecksumHexLength > header.Length ? null : at + marker.Length;
    }

    /// <summary>
    /// Checks the file's recorded SHA-256. True when it matched, false when the file carries none (older checkpoints,
    /// other tools); a mismatch is an error naming the file and what to do.
    /// </summary>
    private static bool VerifyChecksum(string path, byte[] data, int headerLength, string? recorded)
    {
        if (recorded is null) return false;
        var digits = ChecksumDigits(data.AsSpan(8, headerLength));
        if (recorded.Length != ChecksumHexLength || digits is null)
            throw Damaged(path, $"its recorded checksum '{recorded}' is malformed");
        var copy = (byte[])data.Clone();
        copy.AsSpan(8 + digits.Value, ChecksumHexLength).Fill((byte)'0');
        var actual = Convert.ToHexStringLower(SHA256.HashData(copy));
        if (!string.Equals(actual, recorded, StringComparison.OrdinalIgnoreCase))
            throw Damaged(path, "its SHA-256 does not match the one recorded when it was saved: bytes changed on disk or in a copy");
        return true;
    }

    private static Sdk.RobotHostException Damaged(string path, string why) =>
        new($"'{path}' is damaged ({why}); copy the checkpoint again from the original or re-save it (train --resume from an intact checkpoint)");

    /// <summary>Reads every tensor of a safetensors file onto the CPU. The caller owns (disposes) the tensors.</summary>
    /// <exception cref="Sdk.RobotHostException">The file is missing or not a safetensors file.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>
    /// Reads every tensor and the string metadata, after verifying the file's checksum when it has one
    /// (<see cref="HasChecksum"/> tells a caller which).
    /// </summary>
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
        try
        {
            if (header["__metadata__"] is JsonObject metaNode)
                foreach (var (k, v) in metaNode) meta[k] = v?.GetValue<string>() ?? "";
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Corrupt(path, "__metadata__ holds a value that is not a string");
        }
        VerifyChecksum(path, data, (int)headerLength, meta.GetValueOrDefault(ChecksumKey));
        var dataStart = 8 + (long)headerLength;
        var entries = new List<(string Name, ScalarType DType, long[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            ScalarType dtype;
            long[] shape, offsets;
            try
            {
                var entry = node!.AsObject();
                dtype = ParseDType(entry["dtype"]!.GetValue<string>(), path);
                shape = entry["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                offsets = entry["data_offsets"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
            {
                throw Corrupt(path, $"entry '{name}' lacks a string dtype, a shape or data_offsets");
            }
            if (offsets.Length != 2 || shape.Any(d => d < 0)) throw Corrupt(path, $"tensor '{name}' has a malformed shape or data_offsets");
            var begin = dataStart + offsets[0];
            var end = dataStart + offsets[1];
            if (end > data.Length || begin > end || offsets[0] < 0) throw Corrupt(path, $"tensor '{name}' lies beyond the end of the file");
            entries.Add((name, dtype, shape, begin, end));
        }
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, dtype, shape, begin, end) in entries)
            {
                var tensor = torch.empty(shape, dtype);
                result[name] = tensor.DetachFromDisposeScope();
                if (tensor.numel() * tensor.ElementSize != end - begin)
                    throw Corrupt(path, $"tensor '{name}' has {end - begin} bytes, its shape [{string.Join(",", shape)}] needs {tensor.numel() * tensor.ElementSize}");
                if (end > begin) tensor.bytes = data.AsSpan((int)begin, (int)(end - begin));
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        metadata = meta;
        return result;
    }

    /// <summary>True when metadata read by <see cref="Load(string, out IReadOnlyDictionary{string, string})"/> carried a checksum (it was verified).</summary>
    public static bool HasChecksum(IReadOnlyDictionary<string, string> metadata) => metadata.ContainsKey(ChecksumKey);

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
