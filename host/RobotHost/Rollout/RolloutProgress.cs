using RobotHost.Control;

namespace RobotHost.Rollout;

/// <summary>A rollout's state, reported about twice a second.</summary>
/// <param name="Episode">Episode running (0-based).</param>
/// <param name="Tick">Ticks in this episode.</param>
/// <param name="ElapsedSeconds">Time in this episode.</param>
/// <param name="Holds">Ticks (all episodes) where the robot held its position instead of the policy's action.</param>
/// <param name="Loop">Measured loop timing so far.</param>
/// <param name="Sent">The goal last sent to the robot, by action name.</param>
public sealed record RolloutProgress(int Episode, long Tick, double ElapsedSeconds, long Holds, LoopStats Loop, IReadOnlyDictionary<string, float> Sent)
{
    /// <summary>Handovers from the policy to the person so far.</summary>
    public long Takeovers { get; init; }

    /// <summary>Ticks the person drove so far (the corrections).</summary>
    public long TakeoverTicks { get; init; }

    /// <summary>True while the person drives.</summary>
    public bool InTakeover { get; init; }
}
