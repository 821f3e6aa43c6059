using RobotHost.Learning.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>Conv1d → GroupNorm → Mish, "same" padding (Diffusion Policy's <c>Conv1dBlock</c>).</summary>
public sealed class Conv1dBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv1d conv;
    private readonly GroupNorm norm;
    private readonly Mish activation;

    public Conv1dBlock(int inChannels, int outChannels, int kernelSize, int groups) : base(nameof(Conv1dBlock))
    {
        conv = nn.Conv1d(inChannels, outChannels, kernelSize, padding: kernelSize / 2);
        norm = Norms.GroupNorm(groups, outChannels);
        activation = nn.Mish();
        RegisterComponents();
    }

    /// <summary>(B, in, T) → (B, out, T).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return activation.forward(norm.forward(conv.forward(x))).MoveToOuterDisposeScope();
    }
}
