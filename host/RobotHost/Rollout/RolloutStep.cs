using RobotHost.Sdk;

namespace RobotHost.Rollout;

/// <summary>What one rollout tick saw and did.</summary>
/// <param name="Observation">The robot's state read at the start of the tick.</param>
/// <param name="Images">The newest frame of each camera that had one, by camera name.</param>
/// <param name="Sent">The goal the robot really received (after max step and its own limits).</param>
/// <param name="Source">Who produced the executed action: the policy, or a person at the leader arm.</param>
public sealed record RolloutStep(Observation Observation, IReadOnlyDictionary<string, CameraFrame> Images, RobotAction Sent, FrameSource Source);
