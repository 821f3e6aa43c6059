using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Plugins.Policies.Diffusion;

/// <summary>
/// ε-prediction training (Ho et al., 2020): noise the normalised action sequence to a random step of the schedule,
/// predict the noise from the noisy sequence, the step and the observation window; MSE. Inference: DDIM or DDPM
/// from seeded noise; real-time chunking guides the predicted noise toward the previous chunk
/// (<see cref="NoisePrediction"/>), or, with <see cref="GenerativePolicyConfig.RtcTrainingMaxDelay"/>, conditions on it.
/// </summary>
public sealed class DiffusionModel : GenerativePolicyModel
{
    private readonly DiffusionConfig _config;
    private readonly NoiseSchedule _schedule;
    private readonly IActionSampler _sampler;

    /// <summary>Creates the network for <paramref name="features"/>.</summary>
    public DiffusionModel(DiffusionConfig config, PolicyFeatures features) : base(nameof(DiffusionModel), config, features)
    {
        _config = config;
        _schedule = config.CreateSchedule();
        _sampler = CreateSampler(config.NoiseScheduler, config.NumInferenceSteps);
    }

    /// <summary>The forward-process schedule.</summary>
    public NoiseSchedule Schedule => _schedule;

    /// <summary>A sampler over this model's schedule (benchmarks compare DDPM-100 with DDIM-10 on one model).</summary>
    public IActionSampler CreateSampler(string kind, int steps)
    {
        double? clip = _config.ClipSample ? _config.ClipSampleRange : null;
        return kind == "ddpm" ? new DdpmSampler(_schedule, steps, clip) : new DdimSampler(_schedule, steps, clip, _config.DdimEta, _config.DdimClippedModelOutput);
    }

    /// <summary>The sampler used by <see cref="PredictActionChunk"/>; settable for benchmarks.</summary>
    public IActionSampler? SamplerOverride { get; set; }

    /// <inheritdoc />
    public override PolicyLoss ComputeLoss(PolicyBatch batch)
    {
        var actions = batch.RequireAction();
        var condition = GlobalCondition(batch);
        // Global RNG: the trainer seeds it per step, so a resumed run draws the same noise.
        var noise = randn_like(actions);
        var steps = randint(0, _schedule.TrainSteps, [actions.shape[0]], device: actions.device);
        var noisy = _schedule.AddNoise(actions, noise, steps);
        var committed = TrainingPrefixMask(actions.shape[0], actions.device);
        var predicted = Denoise(noisy, steps.to_type(float32), condition, actions, committed);
        var loss = ReduceLoss((predicted - noise).pow(2), batch, committed);
        return new PolicyLoss(loss, new Dictionary<string, double> { ["mse"] = loss.item<float>() });
    }

    /// <inheritdoc />
    protected override IActionSampler Sampler => SamplerOverride ?? _sampler;

    /// <inheritdoc />
    protected override IGuidedPrediction PredictionForm => _form ??= new NoisePrediction(_schedule);

    private NoisePrediction? _form;

    /// <inheritdoc />
    protected override Tensor NetworkTime(Tensor samplerTime) => samplerTime;

    /// <inheritdoc />
    protected override double? FinalClip => null;
}
