using RobotHost.Learning.Generative;

namespace RobotHost.Plugins.Policies.Diffusion;

/// <summary>
/// Diffusion Policy (Chi et al., 2023): a conditional U-Net predicts the noise ε added to an action sequence over
/// <see cref="NumTrainTimesteps"/> DDPM steps; at inference DDPM or DDIM turns Gaussian noise into actions.
/// Defaults are the paper's (LeRobot's <c>DiffusionConfig</c> with the paper's 2/16/8 horizons).
/// </summary>
public sealed record DiffusionConfig : GenerativePolicyConfig
{
    /// <summary>Diffusion steps of the forward process the network is trained on (paper: 100).</summary>
    public int NumTrainTimesteps { get; init; } = 100;

    /// <summary><c>squared_cosine</c> (paper, Nichol &amp; Dhariwal 2021) or <c>linear</c>.</summary>
    public string BetaSchedule { get; init; } = "squared_cosine";

    /// <summary>First β of the linear schedule.</summary>
    public double BetaStart { get; init; } = 1e-4;

    /// <summary>Last β of the linear schedule.</summary>
    public double BetaEnd { get; init; } = 0.02;

    /// <summary>Clip the predicted clean actions to ±<see cref="ClipSampleRange"/> at every reverse step (paper: on, 1.0).</summary>
    public bool ClipSample { get; init; } = true;

    /// <summary>Clip range in normalised units (min-max normalisation maps the data to [−1, 1]).</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Inference sampler: <c>ddim</c> (deterministic, few steps) or <c>ddpm</c> (ancestral).</summary>
    public string NoiseScheduler { get; init; } = "ddim";

    /// <summary>Network evaluations per sample; the usual DDIM speed-up is 10 of the 100 training steps.</summary>
    public int NumInferenceSteps { get; init; } = 10;

    /// <summary>DDIM η: 0 deterministic given the initial noise, 1 matches DDPM's variance.</summary>
    public double DdimEta { get; init; }

    /// <summary>
    /// DDIM: after clipping x₀, re-derive ε from it (true, diffusers' <c>use_clipped_model_output</c>) or keep the
    /// network's ε (false, diffusers' default step and so LeRobot's Diffusion Policy).
    /// </summary>
    public bool DdimClippedModelOutput { get; init; } = true;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var p in base.Validate()) yield return p;
        if (NumTrainTimesteps < 1) yield return $"num_train_timesteps must be ≥ 1, got {NumTrainTimesteps}";
        if (BetaSchedule is not ("squared_cosine" or "linear")) yield return $"beta_schedule must be squared_cosine or linear, got '{BetaSchedule}'";
        if (BetaStart <= 0 || BetaEnd >= 1 || BetaStart > BetaEnd) yield return $"need 0 < beta_start ≤ beta_end < 1, got {BetaStart} and {BetaEnd}";
        if (ClipSampleRange <= 0) yield return $"clip_sample_range must be positive, got {ClipSampleRange}";
        if (NoiseScheduler is not ("ddim" or "ddpm")) yield return $"noise_scheduler must be ddim or ddpm, got '{NoiseScheduler}'";
        if (NumInferenceSteps < 1 || NumInferenceSteps > NumTrainTimesteps)
            yield return $"num_inference_steps must be between 1 and num_train_timesteps ({NumTrainTimesteps}), got {NumInferenceSteps}";
        if (DdimEta < 0) yield return $"ddim_eta must be ≥ 0, got {DdimEta}";
    }

    /// <summary>The forward-process schedule of this config.</summary>
    public NoiseSchedule CreateSchedule() => NoiseSchedule.Create(
        BetaSchedule == "linear" ? Learning.Generative.BetaSchedule.Linear : Learning.Generative.BetaSchedule.SquaredCosine,
        NumTrainTimesteps, BetaStart, BetaEnd);
}
