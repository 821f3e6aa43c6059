using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// Integrates the learned velocity field dx/dt = v(x, t) from t = 0 (noise) to t = 1 (data) with
/// <see cref="Steps"/> explicit Euler steps of size 1/N (π0 uses 10). Deterministic given the initial noise.
/// </summary>
public sealed class EulerSampler : IActionSampler
{
    public EulerSampler(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "at least one integration step");
        Steps = steps;
    }

    /// <summary>Number of Euler steps.</summary>
    public int Steps { get; }

    public int NetworkEvaluations => Steps;

    public Tensor Sample(DenoisingNetwork network, Tensor noise, Generator? generator = null, StepNoise? stepNoise = null)
    {
        var x = noise.clone();
        var dt = 1.0 / Steps;
        for (var k = 0; k < Steps; k++)
        {
            using var scope = NewDisposeScope();
            var t = full(x.shape[0], (float)(k * dt), device: x.device);
            var next = x + dt * network(x, t);
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
        }
        return x;
    }
}
