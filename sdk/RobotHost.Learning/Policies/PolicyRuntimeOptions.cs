namespace RobotHost.Learning.Policies;

/// <summary>How a <see cref="PolicyRuntime"/> turns predicted chunks into one action per tick.</summary>
public sealed record PolicyRuntimeOptions
{
    /// <summary>Actions executed from each predicted chunk before predicting again (ACT's n_action_steps).</summary>
    public int ActionSteps { get; init; } = 1;

    /// <summary>ACT temporal ensembling coefficient m; when set, the model is queried every tick and chunks are blended.</summary>
    public double? TemporalEnsembleCoefficient { get; init; }

    /// <summary>Device the model runs on.</summary>
    public string Device { get; init; } = "cpu";
}
