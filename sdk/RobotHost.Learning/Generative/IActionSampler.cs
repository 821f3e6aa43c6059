using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>Turns initial Gaussian noise into a sample by repeatedly calling a trained network.</summary>
public interface IActionSampler
{
    /// <summary>How many network evaluations one sample costs.</summary>
    int NetworkEvaluations { get; }

    /// <summary>
    /// Runs the reverse process from <paramref name="noise"/>. Stochastic samplers draw their extra noise from
    /// <paramref name="generator"/> so that a seeded generator gives the same sample every time.
    /// Call under <c>torch.no_grad()</c>; the result belongs to the caller. <paramref name="stepNoise"/>, when given,
    /// replaces those draws (a reference comparison feeds the exact noise another implementation used).
    /// </summary>
    Tensor Sample(DenoisingNetwork network, Tensor noise, Generator? generator = null, StepNoise? stepNoise = null);
}

/// <summary>The next Gaussian draw of a stochastic sampler, shaped like <paramref name="sample"/> (same dtype and device).</summary>
public delegate Tensor StepNoise(Tensor sample);

/// <summary>The draw of a sampler's extra noise: injected when a <see cref="StepNoise"/> is given, else from the generator.</summary>
internal static class StepNoises
{
    public static Tensor Draw(StepNoise? stepNoise, Tensor sample, Generator? generator) =>
        stepNoise is not null
            ? stepNoise(sample).to(sample.dtype).to(sample.device)
            : randn(sample.shape, dtype: sample.dtype, generator: generator).to(sample.device);
}
