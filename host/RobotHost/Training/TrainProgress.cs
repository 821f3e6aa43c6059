namespace RobotHost.Training;

/// <summary>Progress of a training run, reported after every step.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="TotalSteps">Steps of the run.</param>
/// <param name="Loss">Loss of the last step.</param>
/// <param name="SmoothedLoss">Exponential moving average of the loss (for display).</param>
/// <param name="StepsPerSecond">Recent speed.</param>
/// <param name="Eta">Estimated time to the end.</param>
/// <param name="DataWaitFraction">Share of step time spent waiting for data.</param>
/// <param name="LastCheckpoint">Newest checkpoint folder, if any.</param>
public sealed record TrainProgress(long Step, long TotalSteps, double Loss, double SmoothedLoss, double StepsPerSecond, TimeSpan Eta, double DataWaitFraction, string? LastCheckpoint);
