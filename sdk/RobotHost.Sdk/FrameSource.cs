namespace RobotHost.Sdk;

/// <summary>
/// Who produced the action of a recorded frame, written per frame as the <c>source</c> column (int64) of datasets that
/// hold corrections, next to a bool <c>intervention</c> column. Training can weight frames by it: a policy's own
/// actions (<see cref="Policy"/>) are not labels and are left out by default.
/// </summary>
public enum FrameSource
{
    /// <summary>A demonstration: a person with a leader arm, or a scripted expert, drove the whole episode.</summary>
    Demo = 0,

    /// <summary>The policy drove and the action is the policy's own (context around a takeover; not a label).</summary>
    Policy = 1,

    /// <summary>DAgger: the state was reached by the policy (or a policy/expert mixture), the action is the expert's label for it.</summary>
    Dagger = 2,

    /// <summary>A person took over from the policy (human-gated DAgger): the action is the person's.</summary>
    Takeover = 3,
}
