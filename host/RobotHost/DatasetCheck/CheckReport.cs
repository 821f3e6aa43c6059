using System.Text.Json.Serialization;

namespace RobotHost.DatasetCheck;

/// <summary>Outcome of one check, ordered by severity.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckStatus>))]
public enum CheckStatus
{
    /// <summary>Not run (not applicable to this dataset, or not asked for, e.g. video decoding without --video); below PASS, so it never raises the overall status.</summary>
    [JsonStringEnumMemberName("skip")] Skip = -1,
    /// <summary>Nothing to fix.</summary>
    [JsonStringEnumMemberName("pass")] Pass = 0,
    /// <summary>Likely to hurt a policy; look at it.</summary>
    [JsonStringEnumMemberName("warn")] Warn = 1,
    /// <summary>Will ruin training; fix before training.</summary>
    [JsonStringEnumMemberName("fail")] Fail = 2,
}

/// <summary>One problem found: what, where (episodes and frame ranges) and what to do.</summary>
/// <param name="Message">What is wrong, in the robot's terms (e.g. "episode 12 has 2.1 s idle at the start").</param>
/// <param name="Episodes">Episodes concerned.</param>
/// <param name="Frames">Frame ranges within the episode (from, to inclusive) when the finding is local; one per episode listed, or empty.</param>
/// <param name="Fix">What to do: re-record, trim, drop, add episodes in a zone.</param>
public sealed record CheckFinding(string Message, IReadOnlyList<int> Episodes, IReadOnlyList<int[]> Frames, string Fix);

/// <summary>The result of one check.</summary>
/// <param name="Id">Stable identifier (e.g. <c>idle_frames</c>).</param>
/// <param name="Title">Human title.</param>
/// <param name="Status">PASS, WARN, FAIL, or SKIP when the check did not run.</param>
/// <param name="Summary">One line.</param>
/// <param name="Findings">Problems found.</param>
public sealed record CheckResult(string Id, string Title, CheckStatus Status, string Summary, IReadOnlyList<CheckFinding> Findings);

/// <summary>The whole report of <c>robothost dataset check</c>; its JSON form is documented in docs/dataset-check.md.</summary>
/// <param name="Dataset">Dataset root.</param>
/// <param name="RobotType">Robot type from the dataset.</param>
/// <param name="Fps">Frames per second.</param>
/// <param name="Episodes">Episode count.</param>
/// <param name="Frames">Frame count.</param>
/// <param name="Status">Worst status of all checks.</param>
/// <param name="Checks">Every check in a fixed order.</param>
/// <param name="Plots">PNG files written (kind → path).</param>
public sealed record DatasetReport(string Dataset, string RobotType, int Fps, int Episodes, long Frames, CheckStatus Status,
    IReadOnlyList<CheckResult> Checks, IReadOnlyDictionary<string, string> Plots)
{
    /// <summary>The result of check <paramref name="id"/>.</summary>
    public CheckResult this[string id] => Checks.First(c => c.Id == id);
}
