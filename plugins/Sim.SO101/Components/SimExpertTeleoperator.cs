using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// <c>sim_expert</c>: a scripted demonstrator for the rig's pick-and-place task, in the place of a leader arm.
/// Plans a new demonstration whenever the rig starts an episode and gives, each tick, the joint goals due next.
/// </summary>
public sealed class SimExpertTeleoperator : ITeleoperator, IEpisodeAware
{
    private readonly PickPlaceWorld _world;

    public SimExpertTeleoperator(SimExpertConfig config, PickPlaceWorld world)
    {
        _world = world;
        Expert = new PickPlaceExpert(config.ToOptions());
        if (config.SingleZone > 0)
            lock (world.Sync) world.ForcedZone = config.SingleZone;
    }

    public PickPlaceExpert Expert { get; }
    public FeatureSpec ActionFeature { get; } = So101Joints.Feature(FeatureKeys.Action);
    public bool IsConnected { get; private set; }

    public void Connect(bool calibrate = false) => IsConnected = true;

    public RobotAction GetAction()
    {
        if (!IsConnected) throw new RobotHostException("sim_expert is not connected; call Connect() first");
        lock (_world.Sync) return new RobotAction(SimRobot.JointValues(Expert.Action(_world)));
    }

    public void OnEpisodeStart(int episodeIndex, int seed)
    {
        lock (_world.Sync) _world.BeginEpisode(episodeIndex, seed);
    }

    public void Disconnect() => IsConnected = false;

    public void Dispose() => Disconnect();
}
