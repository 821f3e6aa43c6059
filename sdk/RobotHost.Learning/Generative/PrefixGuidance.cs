using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// Guided inpainting of a sample toward a target sequence (ΠGDM, Song et al., 2023, as real-time chunking does):
/// each network call also estimates the clean sample x̂ from the current sample and the prediction, takes the
/// weighted error W·(target − x̂), pulls it back through the network with a vector-Jacobian product g, and adds g to
/// the prediction with a time-dependent scale. What the prediction is (a flow velocity, a diffusion noise) decides the
/// clean estimate and the scale: see <see cref="FlowVelocity"/> and <see cref="NoisePrediction"/>.
/// </summary>
public static class PrefixGuidance
{
    /// <summary>
    /// A network whose output is <paramref name="network"/>'s velocity plus the guidance toward <paramref name="target"/>
    /// (flow matching, time 0 noise to 1 data); see <see cref="FlowVelocity"/>.
    /// </summary>
    public static DenoisingNetwork Guide(DenoisingNetwork network, Tensor target, Tensor weights, double maxGuidanceWeight) =>
        Guide(network, target, weights, maxGuidanceWeight, FlowVelocity.Instance);

    /// <summary>
    /// A network whose output is <paramref name="network"/>'s prediction corrected toward <paramref name="target"/>
    /// (same shape as the sample) under <paramref name="weights"/> (broadcast to it), for the prediction
    /// <paramref name="form"/>. Works for any sampler of that form; callable under <c>no_grad</c>.
    /// </summary>
    public static DenoisingNetwork Guide(DenoisingNetwork network, Tensor target, Tensor weights, double maxGuidanceWeight, IGuidedPrediction form) => (sample, time) =>
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = sample.detach().requires_grad_(true);
        var prediction = network(x, time);
        var clean = form.CleanEstimate(x, time, prediction);
        var error = ((target - clean) * weights).detach();
        var correction = autograd.grad([clean], [x], [error])[0];
        var scale = form.CorrectionScale(time[0].item<float>(), maxGuidanceWeight);
        return (prediction.detach() + scale * correction).detach().MoveToOuterDisposeScope();
    };

    /// <summary>The flow guidance weight at time <paramref name="t"/>, clipped at <paramref name="maxGuidanceWeight"/>.</summary>
    public static double GuidanceWeight(double t, double maxGuidanceWeight) => FlowVelocity.Instance.CorrectionScale(t, maxGuidanceWeight);

    /// <summary>
    /// The clip β applied to a guidance weight: <paramref name="weight"/> when finite and below β, else β.
    /// </summary>
    internal static double Clip(double weight, double maxGuidanceWeight) =>
        double.IsFinite(weight) ? Math.Min(weight, maxGuidanceWeight) : maxGuidanceWeight;
}

/// <summary>How a network's prediction relates to the clean sample, and how a guidance correction enters it.</summary>
public interface IGuidedPrediction
{
    /// <summary>The clean sample the network implies at <paramref name="sample"/> and <paramref name="time"/> (B,), differentiable in the sample.</summary>
    Tensor CleanEstimate(Tensor sample, Tensor time, Tensor prediction);

    /// <summary>The factor of the pulled-back error added to the prediction at time <paramref name="time"/>, with its weight clipped at β.</summary>
    double CorrectionScale(double time, double maxGuidanceWeight);
}

/// <summary>
/// A flow-matching velocity v(x, t), time 0 (noise) to 1 (data): x̂₁ = x + (1 − t)·v, and the velocity gains
/// min(β, (1 − t)/t · 1/r_t²)·g with r_t² = (1 − t)²/((1 − t)² + t²), the variance of x₁ given x_t for a
/// standard-normal x₁; (1 − t)/t converts a score into velocity.
/// </summary>
public sealed class FlowVelocity : IGuidedPrediction
{
    /// <summary>The one instance.</summary>
    public static FlowVelocity Instance { get; } = new();

    private FlowVelocity() { }

    /// <inheritdoc />
    public Tensor CleanEstimate(Tensor sample, Tensor time, Tensor prediction) => sample + (1 - time).view(-1, 1, 1) * prediction;

    /// <inheritdoc />
    public double CorrectionScale(double time, double maxGuidanceWeight)
    {
        var rest = 1 - time;
        if (time <= 0 || rest <= 0) return maxGuidanceWeight;
        return PrefixGuidance.Clip(rest / time * (rest * rest + time * time) / (rest * rest), maxGuidanceWeight);
    }
}

/// <summary>
/// A diffusion network's noise ε̂(x_t, t) at step t of <see cref="NoiseSchedule"/> (the time is the step index):
/// x̂₀ = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t, and the guided noise is ε̃ = ε̂ − √(1 − ᾱ_t)·w_t·g with w_t = min(β, 1/r_t²),
/// r_t² = 1 − ᾱ_t. That is ΠGDM's guidance for a variance-preserving process: r_t² is the variance of x₀ given x_t for
/// a standard-normal x₀ (the same r² as the flow form's at equal signal-to-noise ratio), 1/r_t²·g approximates the
/// score of the prefix likelihood, and −√(1 − ᾱ_t) turns a score into noise. Works for DDIM and DDPM alike: both
/// step from the guided ε̃ (and the x̂₀ it implies).
/// </summary>
public sealed class NoisePrediction(NoiseSchedule schedule) : IGuidedPrediction
{
    /// <inheritdoc />
    public Tensor CleanEstimate(Tensor sample, Tensor time, Tensor prediction)
    {
        var steps = time.to_type(float32).cpu().data<float>().ToArray();
        var alphaBar = tensor(steps.Select(t => (float)schedule.AlphaCumprod((int)Math.Round(t))).ToArray(), [steps.Length, 1, 1])
            .to_type(sample.dtype).to(sample.device);
        return (sample - (1 - alphaBar).sqrt() * prediction) / alphaBar.sqrt();
    }

    /// <inheritdoc />
    public double CorrectionScale(double time, double maxGuidanceWeight)
    {
        var noiseVariance = 1 - schedule.AlphaCumprod((int)Math.Round(time));
        if (noiseVariance <= 0) return 0;
        return -Math.Sqrt(noiseVariance) * PrefixGuidance.Clip(1 / noiseVariance, maxGuidanceWeight);
    }
}
