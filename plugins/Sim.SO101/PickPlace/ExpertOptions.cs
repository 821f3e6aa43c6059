namespace RobotHost.Plugins.Sim.SO101.PickPlace;

/// <summary>
/// How the scripted expert misbehaves on purpose, to produce the data failure modes of docs/dataset-check.md. All off by default:
/// smooth, complete, consistent demonstrations without idle frames.
/// </summary>
/// <param name="IdleStartS">Seconds of holding still before moving (idle frames at the start).</param>
/// <param name="IdleEndS">Seconds of holding still after finishing (idle frames at the end; delays Done).</param>
/// <param name="Incomplete">Probability that an episode is incomplete: the expert never closes the gripper, or stops before releasing.</param>
/// <param name="Inconsistent">Probability that an episode uses a different technique (tilted gripper, swinging in from the side).</param>
public sealed record ExpertOptions(double IdleStartS = 0, double IdleEndS = 0, double Incomplete = 0, double Inconsistent = 0);
