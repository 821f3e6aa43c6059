namespace RobotHost.Sdk;

/// <summary>
/// Who produced the action a recorded frame executed, stored per frame as <see cref="FeatureKeys.Source"/> (int64).
/// The numbers are part of the dataset format: never renumber them.
/// </summary>
public enum FrameSource
{
    /// <summary>A demonstration: a person at a leader arm or a scripted expert drove the whole episode.</summary>
    Demo = 0,

    /// <summary>The policy under test drove the robot.</summary>
    Policy = 1,

    /// <summary>The policy drove; the frame's action is the expert's label for that state (DAgger), not what was executed.</summary>
    Dagger = 2,

    /// <summary>A person took over from the policy during a rollout (HG-DAgger) and drove the robot.</summary>
    Takeover = 3,
}
