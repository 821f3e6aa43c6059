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
}
