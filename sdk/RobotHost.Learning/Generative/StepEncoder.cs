using TorchSharp;
using RobotHost.Learning.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>Step/time embedding: sinusoidal features then a Linear–Mish–Linear MLP (Diffusion Policy's step encoder).</summary>
public sealed class StepEncoder : nn.Module<Tensor, Tensor>
{
    private readonly int _dim;
    private readonly Linear expand;
    private readonly Mish activation;
    private readonly Linear project;

    public StepEncoder(int dim) : base(nameof(StepEncoder))
    {
        _dim = dim;
        expand = nn.Linear(dim, dim * 4);
        activation = nn.Mish();
        project = nn.Linear(dim * 4, dim);
        RegisterComponents();
    }

    /// <summary>(B,) steps or times → (B, dim).</summary>
    public override Tensor forward(Tensor steps)
    {
        using var scope = NewDisposeScope();
        var embedded = SinusoidalEmbedding.Embed1D(steps, _dim);
        return project.forward(activation.forward(expand.forward(embedded))).MoveToOuterDisposeScope();
    }
}
