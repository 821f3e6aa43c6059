using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>
/// Normalisation layers with their affine parameters initialised. TorchSharp 0.107's GroupNorm leaves weight and bias
/// uninitialised (seen here as NaN in a fresh ResNet18 with GroupNorm), so always create or reset them through this.
/// </summary>
public static class Norms
{
    /// <summary>A GroupNorm with weight 1 and bias 0, as PyTorch initialises it.</summary>
    public static GroupNorm GroupNorm(long groups, long channels, double eps = 1e-5)
    {
        var norm = nn.GroupNorm(groups, channels, eps);
        Reset(norm.weight, norm.bias);
        return norm;
    }

    /// <summary>Sets weight 1 and bias 0 on every GroupNorm, BatchNorm and LayerNorm inside <paramref name="module"/>.</summary>
    public static void ResetAffine(nn.Module module)
    {
        foreach (var (_, m) in module.named_modules())
        {
            switch (m)
            {
                case GroupNorm g: Reset(g.weight, g.bias); break;
                case BatchNorm2d b: Reset(b.weight, b.bias); break;
                case BatchNorm1d b: Reset(b.weight, b.bias); break;
                case LayerNorm l: Reset(l.weight, l.bias); break;
            }
        }
    }

    private static void Reset(Tensor? weight, Tensor? bias)
    {
        using var noGrad = no_grad();
        weight?.fill_(1);
        bias?.zero_();
    }
}
