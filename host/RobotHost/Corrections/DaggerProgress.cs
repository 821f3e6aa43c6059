namespace RobotHost.Corrections;

/// <summary>Where a series of correction rounds is: the round, the stage in it, and how far that stage is.</summary>
/// <param name="Round">Round being run (0: the starting policy).</param>
/// <param name="Rounds">Rounds in all.</param>
/// <param name="Stage"><c>train</c>, <c>collect</c>, <c>fine-tune</c> or <c>evaluate</c>.</param>
/// <param name="Done">Units of the stage done (steps, episodes).</param>
/// <param name="Total">Units of the stage.</param>
/// <param name="Unit">What <paramref name="Done"/> counts: <c>steps</c> or <c>episodes</c>.</param>
/// <param name="Detail">A short note (loss, successes so far).</param>
public sealed record DaggerProgress(int Round, int Rounds, string Stage, long Done, long Total, string Unit, string Detail)
{
    /// <summary>The stage as a progress label, e.g. <c>round 1/3 fine-tune</c>.</summary>
    public string Label => $"round {Round}/{Rounds} {Stage}";
}
