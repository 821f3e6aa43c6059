namespace RobotHost.Sdk;

/// <summary>
/// Optional capability of simulated robots: the task's reward and success for the current state.
/// The recorder writes them as <c>next.reward</c> / <c>next.success</c> and may end an episode when <see cref="Done"/>.
/// </summary>
public interface ITaskFeedback
{
    /// <summary>Reward of the present state.</summary>
    float Reward { get; }

    /// <summary>True once the task has succeeded in this episode.</summary>
    bool Success { get; }

    /// <summary>True when the episode has nothing left to do (success, or an unrecoverable failure).</summary>
    bool Done { get; }

    /// <summary>The condition of this episode for per-condition breakdowns (e.g. <c>zone 3</c>, <c>left</c>).</summary>
    string Condition { get; }
}
