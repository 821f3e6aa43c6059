namespace RobotHost.Evaluation;

/// <summary>Success of the rollouts of one condition (zone, side).</summary>
/// <param name="Condition">Condition name.</param>
/// <param name="Episodes">Rollouts.</param>
/// <param name="Successes">Successful rollouts.</param>
/// <param name="SuccessRate">Successes / episodes.</param>
/// <param name="Interval">95% Wilson interval of the success rate.</param>
/// <param name="MeanLength">Mean steps.</param>
public sealed record ConditionSummary(string Condition, int Episodes, int Successes, double SuccessRate, WilsonInterval Interval, double MeanLength);
