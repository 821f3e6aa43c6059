using RobotHost.Sdk;

namespace RobotHost.Rollout;

/// <summary>How a policy drives a real robot: rate, length and the safety limits of <see cref="RolloutRunner"/>.</summary>
public sealed record RolloutOptions
{
    /// <summary>Control rate, Hz; null = the policy's training fps.</summary>
    public double? Fps { get; init; }

    /// <summary>Length of one episode, seconds; null = until cancelled (only with one episode).</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Episodes to run (the policy is reset before each).</summary>
    public int Episodes { get; init; } = 1;

    /// <summary>Pause between episodes while the robot holds its position, seconds.</summary>
    public double ResetSeconds { get; init; }

    /// <summary>Largest change of a joint's goal from its present position per tick (degrees for SO-101 joints, 0–100 units for its gripper).</summary>
    public float MaxStep { get; init; } = 10f;

    /// <summary>A policy served by <c>robothost serve</c> to drive with instead of loading checkpoints; null = load them.</summary>
    public Remote.RemotePolicyOptions? PolicyServer { get; init; }

    /// <summary>Deadline for a tick's policy inference and for its bus I/O, milliseconds.</summary>
    public int WatchdogMs { get; init; } = 100;

    /// <summary>
    /// Pipelined inference (default): each tick sends the action computed from the previous tick's observation and
    /// starts the network on its own, so a tick never waits for inference and the loop holds its period; actions lag
    /// the observation by one period. False: each tick waits (up to <see cref="WatchdogMs"/>) for the action of its
    /// own observation, and a slow network call makes that tick overrun.
    /// </summary>
    public bool InferenceAhead { get; init; } = true;

    /// <summary>
    /// How a chunking policy's chunks execute (<c>--chunk-execution</c>): <see cref="Evaluation.ChunkExecution.Sync"/> calls
    /// <see cref="IPolicy.SelectAction"/> every tick as above; <see cref="Evaluation.ChunkExecution.Async"/> and
    /// <see cref="Evaluation.ChunkExecution.Rtc"/> (an <see cref="IChunkPolicy"/> only) execute one chunk action per tick
    /// while the next chunk is computed, and the watchdog guards how long the robot holds without an action rather than
    /// how long one inference takes.
    /// </summary>
    public Evaluation.ChunkExecution ChunkExecution { get; init; } = Evaluation.ChunkExecution.Sync;

    /// <summary>Actions executed from each chunk before the next inference starts (async, rtc); null = the policy's <see cref="IChunkPolicy.ExecutionHorizon"/>.</summary>
    public int? ExecutionHorizon { get; init; }

    /// <summary>Consecutive missed deadlines that turn torque off and stop the rollout.</summary>
    public int MaxConsecutiveMisses { get; init; } = 3;

    /// <summary>One tick this many periods late (inference or bus I/O) turns torque off at once.</summary>
    public double HardMissPeriods { get; init; } = 5;

    /// <summary>Largest magnitude of any action value; anything larger is garbage (an untrained or diverged policy).</summary>
    public float MagnitudeLimit { get; init; } = 1000f;

    /// <summary>Optional per-action bounds (e.g. the training data's min/max with a margin); an action outside is refused (hold).</summary>
    public float[]? ActionLow { get; init; }

    /// <summary>Upper counterpart of <see cref="ActionLow"/>.</summary>
    public float[]? ActionHigh { get; init; }

    /// <summary>Fails with a message naming the option when a value cannot work.</summary>
    public void Validate()
    {
        if (Fps is { } f && !(f is > 0 and <= 1000)) throw new RobotHostException($"rollout --fps must be between 1 and 1000, got {f}");
        if (DurationSeconds is { } d && !(d > 0)) throw new RobotHostException($"rollout --duration must be positive, got {d}");
        if (Episodes < 1) throw new RobotHostException($"rollout --episodes must be at least 1, got {Episodes}");
        if (Episodes > 1 && DurationSeconds is null) throw new RobotHostException("rollout: several --episodes need a --duration per episode");
        if (!(MaxStep > 0)) throw new RobotHostException($"rollout --max-step must be positive, got {MaxStep}");
        if (WatchdogMs < 1) throw new RobotHostException($"rollout --watchdog-ms must be at least 1, got {WatchdogMs}");
        if (MaxConsecutiveMisses < 1) throw new RobotHostException($"rollout: consecutive misses before torque off must be at least 1, got {MaxConsecutiveMisses}");
        if (!(HardMissPeriods >= 1)) throw new RobotHostException($"rollout: hard miss must be at least 1 period, got {HardMissPeriods}");
        if (ExecutionHorizon is < 1) throw new RobotHostException($"rollout --execution-horizon must be at least 1 action, got {ExecutionHorizon}");
        if (!InferenceAhead && ChunkExecution != Evaluation.ChunkExecution.Sync)
            throw new RobotHostException($"rollout --sync-inference applies to --chunk-execution sync only; drop it with --chunk-execution {ChunkExecution.ToString().ToLowerInvariant()}");
        if (ResetSeconds < 0) throw new RobotHostException($"rollout: reset pause must not be negative, got {ResetSeconds}");
    }
}
