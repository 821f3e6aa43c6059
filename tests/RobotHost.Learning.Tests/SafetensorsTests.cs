using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using RobotHost.Learning.Checkpoints;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests;

public sealed class SafetensorsTests
{
    [Fact]
    public void Round_trip_keeps_names_dtypes_shapes_and_values()
    {
        var dir = RepoPaths.NewTempDirectory();
        var path = Path.Combine(dir, "t.safetensors");
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var tensors = new Dictionary<string, Tensor>
        {
            ["layer.weight"] = randn(3, 4),
            ["layer.bias"] = randn(4).to(float64),
            ["steps"] = tensor(new long[] { 1, -2, 3_000_000_000L }),
            ["mask"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(2.5f),
            ["pixels"] = randint(0, 255, [2, 2], dtype: ScalarType.Byte),
        };
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var loaded = Safetensors.Load(path, out var metadata);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, original) in tensors)
        {
            Assert.Equal(original.dtype, loaded[name].dtype);
            Assert.Equal(original.shape, loaded[name].shape);
            Assert.Equal(original.contiguous().bytes.ToArray(), loaded[name].bytes.ToArray());
        }
    }

    [Fact]
    public void File_follows_the_published_layout()
    {
        var dir = RepoPaths.NewTempDirectory();
        var path = Path.Combine(dir, "t.safetensors");
        using var scope = NewDisposeScope();
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["a"] = tensor(new[] { 1f, 2f }), ["b"] = tensor(new[] { 3f }) });
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength))!;
        Assert.Equal("F32", header["a"]!["dtype"]!.GetValue<string>());
        Assert.Equal(new long[] { 0, 8 }, header["a"]!["data_offsets"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Equal(new long[] { 8, 12 }, header["b"]!["data_offsets"]!.AsArray().Select(n => n!.GetValue<long>()));
        // Little-endian float32 1.0 right after the header.
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 8 + headerLength));
        Assert.Equal(3f, BitConverter.ToSingle(bytes, 8 + headerLength + 8));
    }

    [Fact]
    public void Truncated_file_is_a_clear_error()
    {
        var dir = RepoPaths.NewTempDirectory();
        var path = Path.Combine(dir, "bad.safetensors");
        File.WriteAllBytes(path, [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        var e = Assert.Throws<RobotHostException>(() => Safetensors.Load(path));
        Assert.Contains("bad.safetensors", e.Message);
    }

    private static string SaveSample(string name)
    {
        var path = Path.Combine(RepoPaths.NewTempDirectory(), name);
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = randn(16, 8), ["b"] = randn(8) }, new Dictionary<string, string> { ["format"] = "pt", ["step"] = "5" });
        return path;
    }

    [Fact]
    public void Every_single_flipped_byte_is_an_error_naming_the_file()
    {
        var path = SaveSample("model.safetensors");
        var original = File.ReadAllBytes(path);
        using (var scope = NewDisposeScope()) Assert.True(Safetensors.HasChecksum(LoadMetadata(path)));
        // Every byte position, header and data alike: the length prefix, JSON structure, names, shapes, offsets, the
        // metadata (the checksum itself included), the padding and each tensor byte.
        var silent = new List<int>();
        for (var at = 0; at < original.Length; at++)
        {
            var damaged = (byte[])original.Clone();
            damaged[at] ^= 0x10;
            File.WriteAllBytes(path, damaged);
            try
            {
                using var scope = NewDisposeScope();
                Safetensors.Load(path);
                silent.Add(at);
            }
            catch (RobotHostException e)
            {
                Assert.Contains(path, e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        // A flip inside the checksum's key name leaves a file without a checksum: it loads unchecked (and
        // the policy loader warns). Nothing else may load.
        var header = Encoding.UTF8.GetString(original, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(original));
        var key = 8 + header.IndexOf(Safetensors.ChecksumKey, StringComparison.Ordinal);
        Assert.All(silent, at => Assert.InRange(at, key, key + Safetensors.ChecksumKey.Length - 1));
    }

    [Fact]
    public void A_flipped_tensor_byte_names_the_file_and_the_fix()
    {
        var path = SaveSample("model.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<RobotHostException>(() => Safetensors.Load(path));
        Assert.Contains($"'{path}' is damaged", e.Message);
        Assert.Contains("SHA-256 does not match", e.Message);
        Assert.Contains("copy the checkpoint again", e.Message);
    }

    [Fact]
    public void A_file_without_a_checksum_still_loads_and_the_module_loader_warns()
    {
        // Written as before checksums (and as other tools write it): header without robothost_sha256.
        var path = Path.Combine(RepoPaths.NewTempDirectory(), "old.safetensors");
        var json = Encoding.UTF8.GetBytes("""{"__metadata__":{"format":"pt"},"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   """);
        var bytes = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        BitConverter.GetBytes(1.5f).CopyTo(bytes, 8 + json.Length);
        BitConverter.GetBytes(-2f).CopyTo(bytes, 8 + json.Length + 4);
        File.WriteAllBytes(path, bytes);

        using var scope = NewDisposeScope();
        var loaded = Safetensors.Load(path, out var metadata);
        Assert.False(Safetensors.HasChecksum(metadata));
        Assert.Equal(new[] { 1.5f, -2f }, loaded["weight"].data<float>().ToArray());

        var module = new OneWeight();
        var log = new WarningLog();
        ModuleWeights.Load(module, path, logger: log);
        Assert.Equal(new[] { 1.5f, -2f }, module.weight.data<float>().ToArray());
        var warning = Assert.Single(log.Warnings);
        Assert.Contains(path, warning);
        Assert.Contains("no checksum", warning);
    }

    private static IReadOnlyDictionary<string, string> LoadMetadata(string path)
    {
        Safetensors.Load(path, out var metadata);
        return metadata;
    }

    private sealed class OneWeight : nn.Module
    {
        public readonly TorchSharp.Modules.Parameter weight = nn.Parameter(zeros(2));
        public OneWeight() : base(nameof(OneWeight)) => RegisterComponents();
    }

    private sealed class WarningLog : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }
}
