using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// Guided inpainting of a flow-matching sample toward a target sequence (ΠGDM-style, as real-time chunking does):
/// each velocity call also estimates the clean sample x̂₁ = x + (1 − t)·v(x, t), takes the weighted error
/// W·(target − x̂₁), pulls it back through the network with a vector-Jacobian product, and adds it to the velocity
/// with the weight min(β, (1 − t)/t · ((1 − t)² + t²)/(1 − t)²). Time runs from 0 (noise) to 1 (data).
/// </summary>
public static class PrefixGuidance
{
    /// <summary>
    /// A network whose output is <paramref name="network"/>'s velocity plus the guidance toward
    /// <paramref name="target"/> (same shape as the sample) under <paramref name="weights"/> (broadcast to it).
    /// Works for any flow sampler (Euler, midpoint); callable under <c>no_grad</c>.
    /// </summary>
    public static DenoisingNetwork Guide(DenoisingNetwork network, Tensor target, Tensor weights, double maxGuidanceWeight) => (sample, time) =>
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = sample.detach().requires_grad_(true);
        var velocity = network(x, time);
        var remaining = (1 - time).view(-1, 1, 1);
        var clean = x + remaining * velocity;
        var error = ((target - clean) * weights).detach();
        var correction = autograd.grad([clean], [x], [error])[0];
        var t = time[0].item<float>();
        var weight = GuidanceWeight(t, maxGuidanceWeight);
        return (velocity.detach() + weight * correction).detach().MoveToOuterDisposeScope();
    };

    /// <summary>The guidance weight at time <paramref name="t"/>, clipped at <paramref name="maxGuidanceWeight"/>.</summary>
    public static double GuidanceWeight(double t, double maxGuidanceWeight)
    {
        if (t <= 0) return maxGuidanceWeight;
        var rest = 1 - t;
        if (rest <= 0) return maxGuidanceWeight;
        var w = rest / t * (rest * rest + t * t) / (rest * rest);
        return double.IsFinite(w) ? Math.Min(w, maxGuidanceWeight) : maxGuidanceWeight;
    }
}
