using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Modules;
using RobotHost.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests;

public sealed class ModulesTests
{
    private static long Count(nn.Module m) => m.parameters().Sum(p => p.numel());

    [Fact]
    public void ResNet18_has_torchvisions_parameter_count_and_names()
    {
        using var classifier = new ResNet18(numClasses: 1000);
        Assert.Equal(11_689_512, Count(classifier)); // torchvision.models.resnet18()
        using var trunk = new ResNet18(numClasses: 0);
        Assert.Equal(11_176_512, Count(trunk));
        var names = classifier.state_dict().Keys.ToHashSet();
        Assert.Contains("conv1.weight", names);
        Assert.Contains("bn1.running_mean", names);
        Assert.Contains("layer1.0.conv1.weight", names);
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.Contains("layer4.1.bn2.bias", names);
        Assert.Contains("fc.weight", names);
    }

    [Fact]
    public void ResNet18_output_shapes()
    {
        using var scope = NewDisposeScope();
        using var net = new ResNet18(numClasses: 10, ResNetNorm.GroupNorm, baseWidth: 8);
        net.eval();
        using var noGrad = no_grad();
        var images = rand(2, 3, 96, 96);
        Assert.Equal(new long[] { 2, 10 }, net.call(images).shape);
        Assert.Equal(new long[] { 2, 64, 3, 3 }, net.Features(images).shape);
        Assert.Equal((3, 3), VisionEncoder.FeatureMapSize(96, 96));
        Assert.Equal(new long[] { 2, 64, 1, 1 }, net.Features(rand(2, 3, 32, 32)).shape);
        Assert.Equal((1, 1), VisionEncoder.FeatureMapSize(32, 32));

        // Three stages: stride 16, half the channels, no layer4 parameters.
        using var trunk = new ResNet18(numClasses: 10, ResNetNorm.GroupNorm, baseWidth: 8, stages: 3);
        trunk.eval();
        Assert.Equal(new long[] { 2, 32, 6, 6 }, trunk.Features(images).shape);
        Assert.Equal(new long[] { 2, 10 }, trunk.call(images).shape);
        Assert.Equal((6, 6), ResNet18.FeatureMapSize(96, 96, stages: 3));
        Assert.DoesNotContain(trunk.named_parameters(), p => p.name.StartsWith("layer4.", StringComparison.Ordinal));

        // Two stages: stride 8, a quarter of the channels, neither layer3 nor layer4.
        using var shallow = new ResNet18(numClasses: 10, ResNetNorm.GroupNorm, baseWidth: 8, stages: 2);
        shallow.eval();
        Assert.Equal(new long[] { 2, 16, 12, 12 }, shallow.Features(images).shape);
        Assert.Equal((12, 12), ResNet18.FeatureMapSize(96, 96, stages: 2));
        Assert.DoesNotContain(shallow.named_parameters(), p => p.name.StartsWith("layer3.", StringComparison.Ordinal));
    }

    [Fact]
    public void ResNet18_weights_load_from_safetensors_by_torchvision_names()
    {
        var dir = RepoPaths.NewTempDirectory();
        var path = Path.Combine(dir, "resnet18.safetensors");
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        using var source = new ResNet18(numClasses: 1000, baseWidth: 16);
        ModuleWeights.Save(source, path);
        torch.manual_seed(2);
        using var target = new ResNet18(numClasses: 0, baseWidth: 16); // a trunk loads a classifier's file, ignoring fc
        target.LoadWeights(path);
        source.eval();
        target.eval();
        using var noGrad = no_grad();
        var images = rand(1, 3, 64, 64);
        Assert.True(source.Features(images).allclose(target.Features(images)));
        using var wrong = new ResNet18(numClasses: 0, baseWidth: 8);
        var e = Assert.Throws<Sdk.RobotHostException>(() => wrong.LoadWeights(path));
        Assert.Contains("conv1.weight", e.Message);
    }

    [Fact]
    public void Spatial_softmax_finds_the_hot_pixel()
    {
        using var scope = NewDisposeScope();
        using var head = new SpatialSoftmax(1, 5, 5, keypoints: 0);
        var map = full(1, 1, 5, 5, -50f);
        map[0, 0, 4, 0] = tensor(50f); // bottom-left pixel
        var keypoint = head.call(map);
        Assert.Equal(-1f, keypoint[0, 0].item<float>(), 3); // x
        Assert.Equal(1f, keypoint[0, 1].item<float>(), 3);  // y
    }

    [Fact]
    public void Sinusoidal_tables_have_the_right_shapes_and_values()
    {
        using var scope = NewDisposeScope();
        var t1 = SinusoidalEmbedding.Table1D(10, 8);
        Assert.Equal(new long[] { 10, 8 }, t1.shape);
        Assert.Equal(MathF.Sin(3), t1[3, 0].item<float>(), 5);
        Assert.Equal(MathF.Cos(3), t1[3, 1].item<float>(), 5);
        var t2 = SinusoidalEmbedding.Table2D(3, 4, 16);
        Assert.Equal(new long[] { 16, 3, 4 }, t2.shape);
        // The first y channel varies along rows only, the first x channel along columns only.
        Assert.Equal(t2[0, 1, 0].item<float>(), t2[0, 1, 3].item<float>());
        Assert.Equal(t2[8, 0, 2].item<float>(), t2[8, 2, 2].item<float>());
        Assert.NotEqual(t2[8, 0, 1].item<float>(), t2[8, 0, 2].item<float>());
        var e = SinusoidalEmbedding.Embed1D(tensor(new[] { 0f, 5f }), 16);
        Assert.Equal(new long[] { 2, 16 }, e.shape);
    }

    [Fact]
    public void Attention_ignores_padded_keys()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(0);
        using var attention = new MultiheadAttention(8, 2, 0);
        var query = randn(1, 2, 8);
        var keys = randn(1, 3, 8);
        var mask = tensor(new[] { false, false, true }).view(1, 3);
        var masked = attention.Forward(query, keys, keys, mask);
        var changed = keys.clone();
        changed[0, 2] = randn(8) * 100;
        Assert.True(masked.allclose(attention.Forward(query, changed, changed, mask), 1e-5, 1e-6));
        Assert.False(masked.allclose(attention.Forward(query, changed, changed), 1e-5, 1e-6));
    }
}
