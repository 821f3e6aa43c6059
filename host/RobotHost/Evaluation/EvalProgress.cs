namespace RobotHost.Evaluation;

/// <summary>Reported after each rollout.</summary>
/// <param name="Completed">Rollouts finished.</param>
/// <param name="Total">Rollouts planned.</param>
/// <param name="Successes">Successful rollouts so far.</param>
/// <param name="Last">The rollout that just finished.</param>
public sealed record EvalProgress(int Completed, int Total, int Successes, EpisodeOutcome Last);
