namespace RobotHost.Recording;

/// <summary>One episode saved by a session.</summary>
/// <param name="EpisodeIndex">Dataset index.</param>
/// <param name="Frames">Frames saved.</param>
/// <param name="Seed">Seed given to <c>IEpisodeAware.OnEpisodeStart</c> / <c>IEnvironment.Reset</c>.</param>
/// <param name="DurationS">Wall time of the recording phase.</param>
/// <param name="SaveS">Time the writer took to commit it (runs while the reset phase goes on).</param>
/// <param name="WaitS">Time the session waited for that commit: only at the end of the session, since the next episode
/// starts while the previous one is saved (its frames queue behind the save).</param>
/// <param name="DroppedFrames">Frames lost because the writer queue was full (a gap in the episode; should be 0).</param>
/// <param name="CameraRepeats">Ticks where a camera had no new frame and its previous one was reused.</param>
/// <param name="Success">Task success at the end (simulated tasks), else null.</param>
/// <param name="EndedBy">Why it ended: <c>time</c>, <c>done</c>, <c>operator</c>, <c>stop</c>, <c>steps</c>.</param>
/// <param name="Warnings">What the dataset check found in this episode alone (<c>DatasetChecker.InspectEpisode</c>), e.g.
/// "episode 12 has 2.1 s idle at the start"; empty when it looks fine.</param>
public sealed record RecordedEpisode(
    int EpisodeIndex,
    int Frames,
    int Seed,
    double DurationS,
    double SaveS,
    double WaitS,
    long DroppedFrames,
    long CameraRepeats,
    bool? Success,
    string EndedBy,
    IReadOnlyList<string>? Warnings = null)
{
    /// <summary>The check's findings for this episode (never null).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Warnings ?? [];

    /// <summary>Seconds from the session's start to this episode's first frame.</summary>
    public double StartS { get; init; }

    /// <summary>Seconds from the session's start to the end of its recording phase (the next episode's
    /// <see cref="StartS"/> minus this is the time between episodes).</summary>
    public double EndS { get; init; }
}
