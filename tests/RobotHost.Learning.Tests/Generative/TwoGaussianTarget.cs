using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>
/// The multimodal case in one dimension: a mixture of two narrow Gaussians (pass the obstacle left or right).
/// Gives data samples and the exact (Bayes-optimal) ε and velocity predictors, so samplers can be checked without
/// any training noise.
/// </summary>
internal sealed record TwoGaussianTarget(double LeftMean, double RightMean, double RightWeight, double Std)
{
    public double Mean => (1 - RightWeight) * LeftMean + RightWeight * RightMean;

    /// <summary>Data samples (n, 1).</summary>
    public Tensor Sample(int n, Generator generator)
    {
        using var scope = NewDisposeScope();
        var right = rand(n, generator: generator) < RightWeight;
        var means = where(right, tensor((float)RightMean), tensor((float)LeftMean));
        return (means + Std * randn(n, generator: generator)).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For x = a·x₁ + b·x₀ with x₁ from the mixture and x₀ ~ N(0, 1): per component k, x ~ N(a·μ_k, a²σ² + b²), and
    /// the posterior means of x₁ and x₀ are linear in x; mixing them with the posterior component weights gives the
    /// exact conditional expectations (E[x₁ | x], E[x₀ | x]).
    /// </summary>
    public (Tensor Data, Tensor Noise) PosteriorMeans(Tensor x, double a, double b)
    {
        using var scope = NewDisposeScope();
        var variance = a * a * Std * Std + b * b;
        Tensor LogWeight(double mean, double weight) => Math.Log(weight) - (x - a * mean).pow(2) / (2 * variance);
        var logs = stack([LogWeight(LeftMean, 1 - RightWeight), LogWeight(RightMean, RightWeight)]);
        var weights = softmax(logs, 0);
        Tensor DataMean(double mean) => mean + a * Std * Std / variance * (x - a * mean);
        Tensor NoiseMean(double mean) => b / variance * (x - a * mean);
        var data = weights[0] * DataMean(LeftMean) + weights[1] * DataMean(RightMean);
        var noise = weights[0] * NoiseMean(LeftMean) + weights[1] * NoiseMean(RightMean);
        return (data.MoveToOuterDisposeScope(), noise.MoveToOuterDisposeScope());
    }

    /// <summary>Fractions of samples within <paramref name="radius"/> of the left and right means.</summary>
    public (double Left, double Right) ModeFractions(Tensor samples, double radius = 0.3)
    {
        var values = samples.flatten().to_type(float32).data<float>().ToArray();
        double left = values.Count(v => Math.Abs(v - LeftMean) < radius);
        double right = values.Count(v => Math.Abs(v - RightMean) < radius);
        return (left / values.Length, right / values.Length);
    }
}
