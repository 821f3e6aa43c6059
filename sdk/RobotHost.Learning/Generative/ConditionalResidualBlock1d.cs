using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// Residual block of two conv blocks with FiLM conditioning in between (Perez et al., 2017): the condition vector
/// gives a per-channel scale and bias (or only a bias) applied after the first conv block.
/// </summary>
public sealed class ConditionalResidualBlock1d : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly int _outChannels;
    private readonly bool _filmScale;
    private readonly Conv1dBlock conv1;
    private readonly Mish condActivation;
    private readonly Linear condProjection;
    private readonly Conv1dBlock conv2;
    private readonly nn.Module<Tensor, Tensor> residual;

    public ConditionalResidualBlock1d(int inChannels, int outChannels, int conditionDim, int kernelSize, int groups, bool filmScale)
        : base(nameof(ConditionalResidualBlock1d))
    {
        _outChannels = outChannels;
        _filmScale = filmScale;
        conv1 = new Conv1dBlock(inChannels, outChannels, kernelSize, groups);
        condActivation = nn.Mish();
        condProjection = nn.Linear(conditionDim, filmScale ? outChannels * 2 : outChannels);
        conv2 = new Conv1dBlock(outChannels, outChannels, kernelSize, groups);
        residual = inChannels == outChannels ? nn.Identity() : nn.Conv1d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    /// <summary>x (B, in, T), condition (B, conditionDim) → (B, out, T).</summary>
    public override Tensor forward(Tensor x, Tensor condition)
    {
        using var scope = NewDisposeScope();
        var hidden = conv1.forward(x);
        var film = condProjection.forward(condActivation.forward(condition)).unsqueeze(-1);
        hidden = _filmScale
            ? film.narrow(1, 0, _outChannels) * hidden + film.narrow(1, _outChannels, _outChannels)
            : hidden + film;
        hidden = conv2.forward(hidden);
        return (hidden + residual.forward(x)).MoveToOuterDisposeScope();
    }
}
