using RobotHost.Learning.Generative;

namespace RobotHost.Plugins.Policies.FlowMatching;

/// <summary>
/// Flow-matching policy (Lipman et al., 2023; as in π0): the Diffusion Policy U-Net learns a velocity field that
/// carries Gaussian noise x₀ to the action sequence x₁ along straight paths x_t = (1−t)·x₀ + t·x₁ (target x₁ − x₀);
/// actions are sampled by integrating it from t = 0 to 1 in <see cref="NumInferenceSteps"/> steps.
/// </summary>
public sealed record FlowMatchingConfig : GenerativePolicyConfig
{
    /// <summary>Training-time distribution of t: <c>uniform</c> (Lipman et al.) or <c>logit_normal</c> (Esser et al., 2024).</summary>
    public string TimeSampling { get; init; } = "uniform";

    /// <summary>Mean of the logit-normal's underlying normal.</summary>
    public double LogitNormalMean { get; init; }

    /// <summary>Std of the logit-normal's underlying normal.</summary>
    public double LogitNormalStd { get; init; } = 1.0;

    /// <summary>ODE integrator: <c>euler</c> (one network call per step) or <c>midpoint</c> (two, second order).</summary>
    public string Integrator { get; init; } = "euler";

    /// <summary>Integration steps (π0: 10 Euler steps).</summary>
    public int NumInferenceSteps { get; init; } = 10;

    /// <summary>Clamp the sampled actions to [−1, 1] in normalised units (the range of the training data).</summary>
    public bool ClipSample { get; init; } = true;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var p in base.Validate()) yield return p;
        if (TimeSampling is not ("uniform" or "logit_normal")) yield return $"time_sampling must be uniform or logit_normal, got '{TimeSampling}'";
        if (LogitNormalStd <= 0) yield return $"logit_normal_std must be positive, got {LogitNormalStd}";
        if (Integrator is not ("euler" or "midpoint")) yield return $"integrator must be euler or midpoint, got '{Integrator}'";
        if (NumInferenceSteps < 1) yield return $"num_inference_steps must be ≥ 1, got {NumInferenceSteps}";
    }

    /// <summary>The probability path with this config's time sampling.</summary>
    public FlowMatchingPath CreatePath() => new(
        TimeSampling == "logit_normal" ? FlowTimeSampling.LogitNormal : FlowTimeSampling.Uniform, LogitNormalMean, LogitNormalStd);
}
