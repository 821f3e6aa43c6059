using RobotHost.Learning.Generative;
using RobotHost.Learning.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>A small unconditional network for 1-D samples: [x, sinusoidal(time)] → MLP → prediction.</summary>
internal sealed class TinyDenoiser : nn.Module<Tensor, Tensor, Tensor>
{
    private const int EmbedDim = 32;
    private readonly Sequential body;

    public TinyDenoiser() : base(nameof(TinyDenoiser))
    {
        body = nn.Sequential(nn.Linear(1 + EmbedDim, 128), nn.Mish(), nn.Linear(128, 128), nn.Mish(), nn.Linear(128, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor time)
    {
        using var scope = NewDisposeScope();
        var input = cat([x, SinusoidalEmbedding.Embed1D(time, EmbedDim)], dim: 1);
        return body.forward(input).MoveToOuterDisposeScope();
    }

    public DenoisingNetwork AsNetwork(double timeScale = 1.0) => (x, t) => forward(x, t * timeScale);

    /// <summary>Adam on a loss built from fresh data each step; returns (first-50 mean, last-50 mean) of the loss.</summary>
    public (double First, double Last) Train(int steps, Func<Generator, Tensor> loss, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var optimizer = optim.Adam(parameters(), lr: 2e-3);
        var losses = new List<double>();
        train();
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var value = loss(generator);
            value.backward();
            optimizer.step();
            losses.Add(value.item<float>());
        }
        eval();
        return (losses.Take(50).Average(), losses.TakeLast(50).Average());
    }
}
