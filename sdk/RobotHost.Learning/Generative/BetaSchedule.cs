namespace RobotHost.Learning.Generative;

/// <summary>How the forward-process noise variances β_t grow over the training steps.</summary>
public enum BetaSchedule
{
    /// <summary>β linear from β_start to β_end (Ho et al., 2020: 1e-4 → 0.02).</summary>
    Linear,

    /// <summary>ᾱ(t) = cos²(((t/T)+s)/(1+s)·π/2), s = 0.008, β capped at 0.999 (Nichol &amp; Dhariwal, 2021; diffusers "squaredcos_cap_v2").</summary>
    SquaredCosine,
}
