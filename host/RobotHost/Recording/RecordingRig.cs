using RobotHost.Sdk;

namespace RobotHost.Recording;

/// <summary>The devices a recording drives: a robot, the teleoperator that commands it, and the cameras that watch it.</summary>
/// <param name="Robot">The follower (or simulated) robot.</param>
/// <param name="Teleoperator">Leader arm, keyboard or scripted expert.</param>
/// <param name="Cameras">Cameras; each one's <see cref="ICamera.Name"/> names its feature <c>observation.images.&lt;name&gt;</c>.</param>
public sealed record RecordingRig(IRobot Robot, ITeleoperator Teleoperator, IReadOnlyList<ICamera> Cameras);
