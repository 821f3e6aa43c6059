namespace RobotHost.Plugins.Sim.SO101.PickPlace;

/// <summary>An immutable copy of the pick-and-place world at one physics tick, what cameras render.</summary>
/// <param name="Joints">Present joint positions (degrees, gripper 0–100).</param>
/// <param name="Cube">Cube centre, metres.</param>
/// <param name="CubeYaw">Cube yaw about z, degrees.</param>
/// <param name="CubeHeld">True while the gripper holds the cube.</param>
/// <param name="Zone">Zone 1–6 the cube started in.</param>
/// <param name="Seed">Seed of the episode (drives camera noise).</param>
/// <param name="Tick">The world's version: moves with every tick and scene placement (camera frame sequence).</param>
/// <param name="EpisodeTick">Ticks since the episode started (drives per-frame camera noise, so replays match).</param>
public sealed record SceneState(double[] Joints, Arm.Vec3 Cube, double CubeYaw, bool CubeHeld, int Zone, int Seed, long Tick, int EpisodeTick);
