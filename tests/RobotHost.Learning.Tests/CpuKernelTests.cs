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
}
