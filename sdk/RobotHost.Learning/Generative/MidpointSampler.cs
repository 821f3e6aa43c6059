using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// Explicit midpoint (second-order Runge–Kutta) integration of dx/dt = v(x, t) from t = 0 to 1: two network calls
/// per step, second-order accurate, so curved learned paths need fewer steps than Euler for the same error.
/// </summary>
public sealed class MidpointSampler : IActionSampler
{
    public MidpointSampler(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "at least one integration step");
        Steps = steps;
    }

    /// <summary>Number of midpoint steps (each costs two network evaluations).</summary>
    public int Steps { get; }

    public int NetworkEvaluations => 2 * Steps;

    public Tensor Sample(DenoisingNetwork network, Tensor noise, Generator? generator = null, StepNoise? stepNoise = null)
    {
        var x = noise.clone();
        var dt = 1.0 / Steps;
        for (var k = 0; k < Steps; k++)
        {
            using var scope = NewDisposeScope();
            var batch = x.shape[0];
            var start = full(batch, (float)(k * dt), device: x.device);
            var halfway = x + 0.5 * dt * network(x, start);
            var middle = full(batch, (float)((k + 0.5) * dt), device: x.device);
            var next = x + dt * network(halfway, middle);
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
        }
        return x;
    }
}
