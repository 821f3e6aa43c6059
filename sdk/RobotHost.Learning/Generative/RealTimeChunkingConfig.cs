namespace RobotHost.Learning.Generative;

/// <summary>
/// Inference-time real-time chunking (Black, Galliker &amp; Levine, 2025): the next chunk is sampled while the current
/// one executes, as an inpainting problem. The actions that execute during the inference delay are frozen (weight 1),
/// the rest of the overlap with the previous chunk gets weights that decay to 0 by <see cref="MaskSchedule"/>, and a
/// vector-Jacobian product through the network steers every integration step toward the weighted previous actions,
/// with the guidance weight clipped at <see cref="MaxGuidanceWeight"/> (β).
/// </summary>
public sealed record RealTimeChunkingConfig
{
    /// <summary>Soft-mask schedules over the overlap: the paper's exponential decay, linear, all ones, or only the frozen prefix.</summary>
    public static readonly IReadOnlyList<string> Schedules = ["exp", "linear", "ones", "zeros"];

    /// <summary>Actions executed from each chunk before the next inference starts (s); 0 uses n_action_steps. The guided overlap ends at chunk length − s.</summary>
    public int ExecutionHorizon { get; init; }

    /// <summary>Weights over the overlap after the frozen prefix: <c>exp</c> (paper), <c>linear</c>, <c>ones</c> or <c>zeros</c>.</summary>
    public string MaskSchedule { get; init; } = "exp";

    /// <summary>Clip β of the guidance weight (the paper's simulated experiments use 5).</summary>
    public double MaxGuidanceWeight { get; init; } = 5.0;

    /// <summary>Problems, each naming the config field (<c>rtc_…</c>) and the fix.</summary>
    public IEnumerable<string> Validate()
    {
        if (ExecutionHorizon < 0) yield return $"rtc_execution_horizon must be 0 (n_action_steps) or a number of actions, got {ExecutionHorizon}";
        if (!Schedules.Contains(MaskSchedule)) yield return $"rtc_mask_schedule must be one of {string.Join(", ", Schedules)}, got '{MaskSchedule}'";
        if (!(MaxGuidanceWeight > 0) || double.IsInfinity(MaxGuidanceWeight)) yield return $"rtc_max_guidance_weight must be a positive number, got {MaxGuidanceWeight}";
    }

    /// <summary>
    /// The soft mask over a chunk of <paramref name="total"/> actions: 1 for the first <paramref name="frozen"/>, then
    /// decaying by the schedule, 0 from <paramref name="overlapEnd"/> on (the end of the previous chunk's overlap).
    /// The decay is LeRobot's and the reference implementation's: c_i = (overlapEnd − i) / (overlapEnd − frozen + 1),
    /// weighted c·(e^c − 1)/(e − 1) for <c>exp</c>.
    /// </summary>
    public float[] Weights(int frozen, int overlapEnd, int total)
    {
        overlapEnd = Math.Clamp(overlapEnd, 0, total);
        frozen = Math.Clamp(frozen, 0, overlapEnd);
        var weights = new float[total];
        for (var i = 0; i < overlapEnd; i++)
        {
            if (i < frozen) { weights[i] = 1; continue; }
            var c = (double)(overlapEnd - i) / (overlapEnd - frozen + 1);
            weights[i] = (float)(MaskSchedule switch
            {
                "exp" => c * (Math.Exp(c) - 1) / (Math.E - 1),
                "linear" => c,
                "ones" => 1.0,
                _ => 0.0,
            });
        }
        return weights;
    }
}
