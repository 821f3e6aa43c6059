namespace RobotHost.Corrections;

/// <summary>What a series of correction rounds produced.</summary>
/// <param name="Rounds">Round 0 (the starting policy) and every correction round, in order.</param>
/// <param name="CorrectionsRoot">The dataset of corrections (LeRobot v3.0, with <c>source</c> and <c>intervention</c> columns).</param>
/// <param name="OutputDir">The output folder.</param>
/// <param name="Files">The table (<c>dagger.md</c>), JSON and plot written.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="Cancelled">True when stopped early (Ctrl+C); the rounds completed so far are kept.</param>
public sealed record DaggerResult(IReadOnlyList<DaggerRound> Rounds, string CorrectionsRoot, string OutputDir, IReadOnlyList<string> Files, double Seconds, bool Cancelled)
{
    /// <summary>The last policy.</summary>
    public string FinalCheckpoint => Rounds[^1].Checkpoint;
}
