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
    /// Call under <c>torch.no_grad()</c>; the result belongs to the caller.
    /// </summary>
    Tensor Sample(DenoisingNetwork network, Tensor noise, Generator? generator = null);
}
