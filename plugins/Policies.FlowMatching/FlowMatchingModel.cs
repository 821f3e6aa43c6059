using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Plugins.Policies.FlowMatching;

/// <summary>
/// Conditional flow matching: regress the U-Net on the constant velocity x₁ − x₀ of the straight path at a random
/// time; sample by Euler or midpoint integration from seeded noise; real-time chunking guides the velocity toward the
/// previous chunk (<see cref="FlowVelocity"/>), or, with <see cref="GenerativePolicyConfig.RtcTrainingMaxDelay"/>, conditions on it.
/// </summary>
public sealed class FlowMatchingModel : GenerativePolicyModel
{
    /// <summary>Times in [0, 1] are scaled to the range of diffusion step indices before the sinusoidal embedding, so the same step encoder fits both.</summary>
    public const double TimeEmbeddingScale = 100.0;

    private readonly FlowMatchingConfig _config;
    private readonly FlowMatchingPath _path;
    private readonly IActionSampler _sampler;

    /// <summary>Creates the network for <paramref name="features"/>.</summary>
    public FlowMatchingModel(FlowMatchingConfig config, PolicyFeatures features) : base(nameof(FlowMatchingModel), config, features)
    {
        _config = config;
        _path = config.CreatePath();
        _sampler = CreateSampler(config.Integrator, config.NumInferenceSteps);
    }

    /// <summary>An integrator (benchmarks compare step counts on one model).</summary>
    public static IActionSampler CreateSampler(string integrator, int steps) =>
        integrator == "midpoint" ? new MidpointSampler(steps) : new EulerSampler(steps);

    /// <summary>The sampler used by <see cref="PredictActionChunk"/>; settable for benchmarks.</summary>
    public IActionSampler? SamplerOverride { get; set; }

    /// <inheritdoc />
    public override PolicyLoss ComputeLoss(PolicyBatch batch)
    {
        var data = batch.RequireAction();
        var condition = GlobalCondition(batch);
        // Global RNG: the trainer seeds it per step, so a resumed run draws the same noise and times.
        var noise = randn_like(data);
        var t = _path.SampleTimes(data.shape[0], data.device);
        var committed = TrainingPrefixMask(data.shape[0], data.device);
        var predicted = Denoise(FlowMatchingPath.Interpolate(noise, data, t), t * TimeEmbeddingScale, condition, data, committed);
        var loss = ReduceLoss((predicted - FlowMatchingPath.TargetVelocity(noise, data)).pow(2), batch, committed);
        return new PolicyLoss(loss, new Dictionary<string, double> { ["mse"] = loss.item<float>() });
    }

    /// <inheritdoc />
    protected override IActionSampler Sampler => SamplerOverride ?? _sampler;

    /// <inheritdoc />
    protected override IGuidedPrediction PredictionForm => FlowVelocity.Instance;

    /// <inheritdoc />
    protected override Tensor NetworkTime(Tensor samplerTime) => samplerTime * TimeEmbeddingScale;

    /// <inheritdoc />
    protected override double? FinalClip => _config.ClipSample ? 1.0 : null;
}
