using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>One U-Net level: two conditional residual blocks, then a resampling conv (or identity at the bottom/top).</summary>
public sealed class UnetLevel : nn.Module
{
    private readonly ConditionalResidualBlock1d first;
    private readonly ConditionalResidualBlock1d second;
    private readonly nn.Module<Tensor, Tensor> resample;

    public UnetLevel(ConditionalResidualBlock1d first, ConditionalResidualBlock1d second, nn.Module<Tensor, Tensor> resample)
        : base(nameof(UnetLevel))
    {
        this.first = first;
        this.second = second;
        this.resample = resample;
        RegisterComponents();
    }

    /// <summary>The two residual blocks (the skip feature on the way down).</summary>
    public Tensor Blocks(Tensor x, Tensor condition)
    {
        using var scope = NewDisposeScope();
        return second.forward(first.forward(x, condition), condition).MoveToOuterDisposeScope();
    }

    /// <summary>Halves (down path) or doubles (up path) the sequence length, or passes it through.</summary>
    public Tensor Resample(Tensor x) => resample.forward(x);
}
