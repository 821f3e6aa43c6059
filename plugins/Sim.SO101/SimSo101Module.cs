using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Plugins.Sim.SO101.Rendering;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101;

/// <summary>
/// The simulated SO-101 rig: robot <c>sim_so101</c>, cameras <c>sim_front</c>/<c>sim_wrist</c>, scripted teleoperator
/// <c>sim_expert</c>, environments <c>pick_place</c> and <c>obstacle_2d</c>, and the <c>sim-snapshot</c> command.
/// Components naming the same <c>rig</c> share one world, kept by this module instance.
/// </summary>
public sealed class SimSo101Module : IPluginModule
{
    private readonly SimRigs _rigs = new();

    /// <summary>The rigs' worlds (tests reach a rig's world here).</summary>
    public SimRigs Rigs => _rigs;

    /// <inheritdoc />
    public void Register(IPluginRegistry registry)
    {
        registry.AddRobot<SimRobotConfig>("sim_so101",
            (c, ctx) => new SimRobot(c, _rigs.Get(c.Rig), ctx.LoggerFactory.CreateLogger<SimRobot>()),
            "simulated SO-101 follower on a pick-and-place table (physics: one tick per action)");
        registry.AddCamera<SimFrontCameraConfig>("sim_front", (c, _) => new SimCamera(c, _rigs.Get(c.Rig), RigView.Front, SimConfigRules.ParseFraming(c.Framing)),
            "rendered front view of a simulated rig");
        registry.AddCamera<SimWristCameraConfig>("sim_wrist", (c, _) => new SimCamera(c, _rigs.Get(c.Rig), RigView.Wrist),
            "rendered wrist view of a simulated rig");
        registry.AddTeleoperator<SimExpertConfig>("sim_expert", (c, _) => new SimExpertTeleoperator(c, _rigs.Get(c.Rig)),
            "scripted pick-and-place demonstrator for a simulated rig (options for idle, incomplete, inconsistent, single-zone data)");
        registry.AddEnvironment<PickPlaceEnvConfig>("pick_place", (c, _) => new PickPlaceEnvironment(c),
            "SO-101 pick-and-place in six zones, same world and features as sim_so101");
        registry.AddEnvironment<ObstacleEnvConfig>("obstacle_2d", (c, _) => new ObstacleEnvironment(c),
            "2-D agent around an obstacle; the expert passes left or right (lecture 1)");
        registry.AddCommand("sim-snapshot", "write a PNG of each simulated camera for a seed: --task pick_place --seed 3 --out DIR", SimSnapshotCommand.Run);
    }
}
