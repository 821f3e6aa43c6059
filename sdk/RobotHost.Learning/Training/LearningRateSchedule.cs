namespace RobotHost.Learning.Training;

/// <summary>
/// Linear warm-up then constant or cosine decay to zero at <see cref="TotalSteps"/> (diffusers' get_cosine_schedule_with_warmup,
/// which LeRobot uses). A pure function of the step, so resuming needs only the step and the total.
/// </summary>
/// <param name="Kind"><c>constant</c> or <c>cosine</c>.</param>
/// <param name="WarmupSteps">Warm-up steps.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
public sealed record LearningRateSchedule(string Kind, int WarmupSteps, long TotalSteps)
{
    /// <summary>The multiplier of the peak rate at <paramref name="step"/> (0-based).</summary>
    public double Scale(long step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps) return (step + 1.0) / WarmupSteps;
        if (Kind != "cosine") return 1.0;
        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
        return 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
