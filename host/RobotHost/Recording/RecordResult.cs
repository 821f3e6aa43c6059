using RobotHost.Control;

namespace RobotHost.Recording;

/// <summary>Why a recording session ended.</summary>
public enum RecordStopReason
{
    /// <summary>All requested episodes were saved.</summary>
    Completed,
    /// <summary>The operator stopped (Esc / q); the current episode was saved.</summary>
    Stopped,
    /// <summary>Cancelled (Ctrl+C); the current episode was discarded, saved ones kept.</summary>
    Cancelled,
}

/// <summary>What a recording session did, with its measurements.</summary>
/// <param name="Root">Dataset folder.</param>
/// <param name="Episodes">Episodes saved in this session, in order.</param>
/// <param name="DatasetEpisodes">Episodes in the dataset afterwards (earlier ones included after a resume).</param>
/// <param name="Rerecorded">Episodes dropped for re-recording.</param>
/// <param name="StopReason">Why it ended.</param>
/// <param name="Loop">Loop timing over the whole session.</param>
/// <param name="DroppedFrames">Frames lost to a full writer queue (should be 0).</param>
/// <param name="MaxQueueDepth">Deepest the writer queue got.</param>
/// <param name="QueueCapacity">Queue size.</param>
/// <param name="ElapsedS">Wall time of the session from the first frame to the last save.</param>
public sealed record RecordResult(
    string Root,
    IReadOnlyList<RecordedEpisode> Episodes,
    int DatasetEpisodes,
    int Rerecorded,
    RecordStopReason StopReason,
    LoopStats Loop,
    long DroppedFrames,
    int MaxQueueDepth,
    int QueueCapacity,
    double ElapsedS)
{
    /// <summary>Frames saved in this session.</summary>
    public long Frames => Episodes.Sum(e => (long)e.Frames);

    /// <summary>A few lines for the terminal.</summary>
    public string Summary()
    {
        var lines = new List<string>
        {
            $"{StopReason.ToString().ToLowerInvariant()}: saved {Episodes.Count} episode(s), {Frames} frames to {Root} ({DatasetEpisodes} episodes in the dataset) in {ElapsedS:F1} s"
                + (Rerecorded > 0 ? $"; {Rerecorded} re-recorded" : ""),
            $"loop: {Loop}",
            $"writer queue: max {MaxQueueDepth}/{QueueCapacity}, dropped frames {DroppedFrames}" + (DroppedFrames > 0 ? " — the writer could not keep up; episodes with drops have gaps, re-record them or lower --fps / camera size" : ""),
        };
        if (Episodes.Count > 0)
            lines.Add($"between episodes: save p50 {RateLoop.Percentile(Episodes.Select(e => e.SaveS * 1000).ToList(), 50):F0} ms, waited max {Episodes.Max(e => e.WaitS) * 1000:F0} ms");
        // The per-episode check's findings again at the end, so they are not lost among progress lines.
        lines.AddRange(Episodes.SelectMany(e => e.Warnings).Select(w => "check: " + w));
        return string.Join(Environment.NewLine, lines);
    }
}
