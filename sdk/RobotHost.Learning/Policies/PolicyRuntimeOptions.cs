namespace RobotHost.Learning.Policies;

/// <summary>How a <see cref="PolicyRuntime"/> turns predicted chunks into one action per tick.</summary>
public sealed record PolicyRuntimeOptions
{
    /// <summary>Actions executed from each predicted chunk before predicting again (ACT's n_action_steps).</summary>
    public int ActionSteps { get; init; } = 1;

    /// <summary>ACT temporal ensembling coefficient m; when set, the model is queried every tick and chunks are blended.</summary>
    public double? TemporalEnsembleCoefficient { get; init; }

    /// <summary>
    /// libtorch intra-op threads while the model runs (restored after each call); 0 keeps the caller's. Batch-1
    /// inference of these small models is faster on one thread: ACT small with one 96×96 camera took 8.6 ms on one
    /// thread and 11.0 ms on two, and 300 small element-wise ops 2.3 ms against 18.4 ms (2-core VM, 2026-11-27).
    /// </summary>
    public int CpuThreads { get; init; } = 1;

    /// <summary>Device the model runs on.</summary>
    public string Device { get; init; } = "cpu";
}
