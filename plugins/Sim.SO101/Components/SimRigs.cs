using RobotHost.Plugins.Sim.SO101.PickPlace;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// The simulated worlds of one plugin instance, by rig name: the host creates the robot, each camera and the expert
/// separately from their own configs, and those naming the same rig share one world. Owned by the module instance,
/// not static, so two hosts (or tests) in one process never share a scene by accident.
/// </summary>
public sealed class SimRigs
{
    private readonly Dictionary<string, PickPlaceWorld> _worlds = new(StringComparer.Ordinal);

    public PickPlaceWorld Get(string rig)
    {
        lock (_worlds)
        {
            if (!_worlds.TryGetValue(rig, out var world)) _worlds[rig] = world = new PickPlaceWorld();
            return world;
        }
    }
}
