namespace RobotHost.Learning.Training;

/// <summary>What one optimiser step did.</summary>
/// <param name="Step">Steps completed after this one (1 after the first).</param>
/// <param name="Loss">Loss of the batch.</param>
/// <param name="Parts">Named loss parts (e.g. l1, kld).</param>
/// <param name="LearningRate">Peak-group learning rate used.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="StepSeconds">Wall time of the step, data wait included.</param>
/// <param name="DataWaitSeconds">Time the step waited for its batch.</param>
public sealed record TrainStepResult(long Step, double Loss, IReadOnlyDictionary<string, double> Parts, double LearningRate, double GradNorm, double StepSeconds, double DataWaitSeconds);
