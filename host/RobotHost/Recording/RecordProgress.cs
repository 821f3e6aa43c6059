using RobotHost.Control;

namespace RobotHost.Recording;

/// <summary>A snapshot of a recording session for progress lines and the TUI (reported a few times a second and at every phase change).</summary>
/// <param name="Phase">What the session is doing.</param>
/// <param name="EpisodeIndex">Dataset index of the episode being recorded (continues after a resume).</param>
/// <param name="EpisodeNumber">1-based number of the episode within this session.</param>
/// <param name="Episodes">Episodes this session will save.</param>
/// <param name="TimeLeftS">Seconds left in the current phase (0 when not timed).</param>
/// <param name="Frames">Frames recorded in the current episode.</param>
/// <param name="TotalFrames">Frames saved in this session plus the current episode's.</param>
/// <param name="SavedEpisodes">Episodes saved in this session.</param>
/// <param name="Loop">Measured loop timing.</param>
/// <param name="DroppedFrames">Frames the writer could not take (queue full) in this session; should stay 0.</param>
/// <param name="QueueDepth">Frames waiting for the writer now.</param>
/// <param name="QueueCapacity">Frames the queue holds.</param>
public sealed record RecordProgress(
    RecordPhase Phase,
    int EpisodeIndex,
    int EpisodeNumber,
    int Episodes,
    double TimeLeftS,
    int Frames,
    long TotalFrames,
    int SavedEpisodes,
    LoopStats Loop,
    long DroppedFrames,
    int QueueDepth,
    int QueueCapacity)
{
    /// <summary>One line for a terminal.</summary>
    public override string ToString()
    {
        var phase = Phase switch
        {
            RecordPhase.Recording => $"recording episode {EpisodeIndex} ({EpisodeNumber}/{Episodes}) {TimeLeftS,5:F1} s left, {Frames} frames",
            RecordPhase.Reset => $"reset {TimeLeftS,5:F1} s left (→/n skip) before episode {EpisodeNumber}/{Episodes}",
            RecordPhase.Saving => $"saving episode {EpisodeIndex}",
            RecordPhase.Starting => "starting",
            _ => $"done: {SavedEpisodes} episodes",
        };
        var dropped = DroppedFrames > 0 ? $" DROPPED {DroppedFrames}" : " dropped 0";
        return $"{phase} | {Loop.MeasuredHz:F1} Hz p99 {Loop.PeriodP99Ms:F1} ms overruns {Loop.Overruns} | queue {QueueDepth}/{QueueCapacity}{dropped}";
    }
}
