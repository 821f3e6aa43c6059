using RobotHost.Evaluation;

namespace RobotHost.Corrections;

/// <summary>One round of corrections: what was collected, what it was trained into, and how that policy did.</summary>
/// <param name="Round">0 for the starting policy, then 1, 2…</param>
/// <param name="Beta">Probability of executing the expert's action in this round's rollouts (0 for round 0).</param>
/// <param name="Checkpoint">The policy after this round.</param>
/// <param name="Episodes">Correction rollouts recorded in this round.</param>
/// <param name="Frames">Labelled frames recorded in this round.</param>
/// <param name="PolicyShare">Share of this round's ticks on which the policy's own action was executed.</param>
/// <param name="RolloutSuccesses">Correction rollouts that ended in success (with the expert's help, so not the policy's score).</param>
/// <param name="Evaluation">The held-out evaluation of <see cref="Checkpoint"/>.</param>
/// <param name="CollectSeconds">Wall time of the rollouts.</param>
/// <param name="TrainSeconds">Wall time of the (fine-)training.</param>
public sealed record DaggerRound(int Round, double Beta, string Checkpoint, int Episodes, long Frames, double PolicyShare, int RolloutSuccesses,
    EvalResult Evaluation, double CollectSeconds, double TrainSeconds)
{
    /// <summary>Held-out success rate after this round.</summary>
    public double SuccessRate => Evaluation.SuccessRate;
}
