namespace RobotHost.Training;

/// <summary>The outcome of a training run.</summary>
/// <param name="OutputDir">Output folder.</param>
/// <param name="LastCheckpoint">Newest checkpoint folder (also <c>checkpoints/last</c>).</param>
/// <param name="Steps">Steps completed (including those before a resume).</param>
/// <param name="FinalLoss">Mean loss of the last logged window.</param>
/// <param name="FirstLoss">Loss of the run's first step in this session.</param>
/// <param name="Seconds">Wall time of this session.</param>
/// <param name="DataWaitFraction">Share of step time spent waiting for data.</param>
/// <param name="Cancelled">True when stopped early (a partial checkpoint was saved).</param>
/// <param name="LossCurvePng">The loss-curve plot.</param>
/// <param name="LogFile">The JSONL log.</param>
public sealed record TrainResult(string OutputDir, string LastCheckpoint, long Steps, double FinalLoss, double FirstLoss, double Seconds, double DataWaitFraction, bool Cancelled, string LossCurvePng, string LogFile)
{
    /// <summary>The steps of the logged losses (every <see cref="TrainOptions.LogEvery"/> steps, earlier sessions of a resumed run included).</summary>
    public IReadOnlyList<long> LossSteps { get; init; } = [];

    /// <summary>The logged losses, one per entry of <see cref="LossSteps"/>.</summary>
    public IReadOnlyList<double> Losses { get; init; } = [];
}
