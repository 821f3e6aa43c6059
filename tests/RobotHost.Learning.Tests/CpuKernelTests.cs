using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests;

/// <summary>Guards the oneDNN work-around in <see cref="TorchRuntime.Initialize"/>: convolution gradients must be right.</summary>
public sealed class CpuKernelTests
{
    [Fact]
    public void Conv2d_input_gradient_matches_float64_on_repeated_calls()
    {
        TorchRuntime.Initialize();
        torch.manual_seed(1);
        using var scope = NewDisposeScope();
        var weight = randn(8, 8, 3, 3);
        var input = randn(16, 8, 8, 8);
        var reference = input.to(float64).requires_grad_(true);
        nn.functional.conv2d(reference, weight.to(float64), padding: [1, 1]).sum().backward();
        for (var call = 0; call < 6; call++)
        {
            var x = input.clone().requires_grad_(true);
            nn.functional.conv2d(x, weight, padding: [1, 1]).sum().backward();
            var error = (x.grad!.to(float64) - reference.grad!).abs().max().item<double>();
            Assert.True(error < 1e-3, $"call {call}: conv2d input gradient off by {error} (NaN means the AVX-512 kernel ran)");
        }
    }

    /// <summary>
    /// The convolutions of the ResNet18 encoders the small presets train (stem, each stage's 3×3 and strided 3×3, ACT's
    /// 1×1 projection), forward and both gradients against float64 under the instruction-set cap the runtime applies.
    /// </summary>
    [Theory]
    [InlineData(3, 32, 96, 7, 2)]
    [InlineData(32, 32, 24, 3, 1)]
    [InlineData(32, 64, 24, 3, 2)]
    [InlineData(64, 128, 12, 3, 2)]
    [InlineData(128, 128, 6, 3, 1)]
    [InlineData(128, 128, 6, 1, 1)]
    public void Encoder_convolutions_match_float64(int inChannels, int outChannels, int size, int kernel, int stride)
    {
        TorchRuntime.Initialize();
        torch.manual_seed(2);
        using var scope = NewDisposeScope();
        var padding = kernel / 2;
        var input = randn(16, inChannels, size, size);
        var weight = randn(outChannels, inChannels, kernel, kernel) * 0.1;
        var outSize = (size + 2 * padding - kernel) / stride + 1;
        var upstream = randn(16, outChannels, outSize, outSize);
        (Tensor Output, Tensor InputGrad, Tensor WeightGrad) Run(ScalarType type)
        {
            var x = input.to(type).detach().requires_grad_(true);
            var w = weight.to(type).detach().requires_grad_(true);
            var y = nn.functional.conv2d(x, w, strides: [stride, stride], padding: [padding, padding]);
            (y * upstream.to(type)).sum().backward();
            return (y.detach().to(float64), x.grad!.to(float64), w.grad!.to(float64));
        }
        for (var call = 0; call < 3; call++)
        {
            var single = Run(float32);
            var exact = Run(float64);
            foreach (var (name, a, b) in new[] { ("output", single.Output, exact.Output), ("input gradient", single.InputGrad, exact.InputGrad), ("weight gradient", single.WeightGrad, exact.WeightGrad) })
            {
                var error = ((a - b).abs().max() / b.abs().max()).item<double>();
                Assert.True(error < 1e-4, $"call {call}: conv2d {inChannels}→{outChannels} {size}×{size} k{kernel} s{stride} {name} off by {error:E1} relative (oneDNN cap {Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA")})");
            }
        }
    }
}
