using RobotHost.Control;
using RobotHost.Recording;

namespace RobotHost.Rollout;

/// <summary>Why a rollout ended.</summary>
public enum RolloutStop
{
    /// <summary>Every episode ran its duration.</summary>
    Completed,
    /// <summary>Cancelled (Ctrl+C, the e-stop key, a script); torque off.</summary>
    Cancelled,
}

/// <summary>What a rollout did; torque is off whenever a result exists.</summary>
/// <param name="Stop">Why it ended.</param>
/// <param name="Episodes">Episodes started.</param>
/// <param name="Ticks">Control ticks run.</param>
/// <param name="PolicyActions">Ticks that sent the policy's action (possibly step-limited).</param>
/// <param name="Holds">Ticks that sent the present position instead (garbage action or missed deadline).</param>
/// <param name="GarbageActions">Actions refused as NaN / wrong size / out of range.</param>
/// <param name="DeadlineMisses">Ticks whose inference or bus I/O missed the watchdog deadline.</param>
/// <param name="StepLimited">Ticks where the max step per tick shortened at least one joint's move.</param>
/// <param name="Loop">Measured loop timing.</param>
public sealed record RolloutResult(RolloutStop Stop, int Episodes, long Ticks, long PolicyActions, long Holds, long GarbageActions,
    long DeadlineMisses, long StepLimited, LoopStats Loop)
{
    /// <summary>Handovers from the policy to the person at the teleoperator.</summary>
    public long Takeovers { get; init; }

    /// <summary>Ticks the person drove (the takeover frames of a recorded rollout).</summary>
    public long TakeoverTicks { get; init; }

    /// <summary>Largest goal change from the present position in the second after any handover (bounded by the max step).</summary>
    public float HandoverMaxStep { get; init; }

    /// <summary>The dataset episodes, when the rollout was recorded.</summary>
    public RecordResult? Recording { get; init; }

    /// <summary>Summary lines for the console.</summary>
    public string Summary() =>
        $"rollout {(Stop == RolloutStop.Completed ? "completed" : "cancelled")}: {Episodes} episode(s), {Ticks} ticks, {PolicyActions} policy actions, " +
        $"{Holds} holds ({GarbageActions} garbage actions, {DeadlineMisses} missed deadlines), {StepLimited} step-limited" +
        (Takeovers > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\ntakeover: {Takeovers} handover(s), {TakeoverTicks} ticks driven by the person, largest step after a handover {HandoverMaxStep:F2}") : "") +
        (Recording is null ? "" : $"\n{Recording.Summary()}") +
        $"\nloop: {Loop}";
}
