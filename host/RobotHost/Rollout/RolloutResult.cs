using System.Globalization;
using RobotHost.Control;
using RobotHost.Evaluation;
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

    /// <summary>How chunks executed, with <c>--chunk-execution async</c> or <c>rtc</c>; null with sync.</summary>
    public ChunkStats? Chunking { get; init; }

    /// <summary>The dataset episodes, when the rollout was recorded.</summary>
    public RecordResult? Recording { get; init; }

    /// <summary>Summary lines for the console.</summary>
    public string Summary() =>
        $"rollout {(Stop == RolloutStop.Completed ? "completed" : "cancelled")}: {Episodes} episode(s), {Ticks} ticks, {PolicyActions} policy actions, " +
        $"{Holds} holds ({GarbageActions} garbage actions, {DeadlineMisses} missed deadlines), {StepLimited} step-limited" +
        (Takeovers > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\ntakeover: {Takeovers} handover(s), {TakeoverTicks} ticks driven by the person, largest step after a handover {HandoverMaxStep:F2}") : "") +
        (Chunking is null ? "" : $"\n{Chunking}") +
        (Recording is null ? "" : $"\n{Recording.Summary()}") +
        $"\nloop: {Loop}";
}

/// <summary>How a rollout's chunks executed (<c>--chunk-execution async</c> or <c>rtc</c>).</summary>
/// <param name="Mode">Async or rtc.</param>
/// <param name="Chunks">Chunks that arrived and took over.</param>
/// <param name="Boundaries">Switches from an executing chunk to a new one (an episode's or handback's first chunk is not one).</param>
/// <param name="HeldTicks">Ticks the robot held because no chunk action was ready (the wait for each first chunk included).</param>
/// <param name="InferenceP50Ms">Median time from asking for a chunk to its arrival, milliseconds.</param>
/// <param name="InferenceMaxMs">Longest such time, milliseconds.</param>
public sealed record ChunkStats(ChunkExecution Mode, long Chunks, long Boundaries, long HeldTicks, double InferenceP50Ms, double InferenceMaxMs)
{
    /// <summary>The statistics of <paramref name="inferenceMs"/>, the measured inference times.</summary>
    public static ChunkStats Of(ChunkExecution mode, long chunks, long boundaries, long heldTicks, IReadOnlyList<double> inferenceMs)
    {
        var sorted = inferenceMs.Order().ToList();
        return new ChunkStats(mode, chunks, boundaries, heldTicks, sorted.Count == 0 ? 0 : sorted[(sorted.Count - 1) / 2], sorted.Count == 0 ? 0 : sorted[^1]);
    }

    /// <summary>One summary line.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"chunks ({Mode.Name()}): {Chunks} chunks, {Boundaries} boundaries, {HeldTicks} ticks held waiting for a chunk, inference p50 {InferenceP50Ms:F0} ms, max {InferenceMaxMs:F0} ms");
}
