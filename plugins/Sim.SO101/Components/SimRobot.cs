using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// <c>sim_so101</c>: a simulated SO-101 follower with the real arm's joints, units and limits. Each
/// <see cref="SendAction"/> advances the rig's physics by exactly one control tick (never by the wall clock), so a
/// recorder may drive it faster than real time and get the same episode. Places a new scene at every episode start.
/// </summary>
public sealed class SimRobot(SimRobotConfig config, PickPlaceWorld world, ILogger logger) : IRobot, ITaskFeedback, IEpisodeAware
{
    private readonly double[] _goals = new double[So101Joints.Count];

    public PickPlaceWorld World { get; } = InitWorld(world, config);

    private static PickPlaceWorld InitWorld(PickPlaceWorld world, SimRobotConfig config)
    {
        lock (world.Sync)
        {
            world.Fps = config.Fps;
            world.ActionNoise = config.ActionNoise;
            world.RecoveryStarts = config.RecoveryStarts;
        }
        return world;
    }

    public string RobotType => "sim_so101";
    public FeatureSpec StateFeature { get; } = So101Joints.Feature(FeatureKeys.State);
    public FeatureSpec ActionFeature { get; } = So101Joints.Feature(FeatureKeys.Action);
    public bool IsConnected { get; private set; }

    public void Connect(bool calibrate = false)
    {
        IsConnected = true;
        logger.LogInformation("sim_so101 connected to rig '{Rig}' at {Fps} Hz (calibration not needed in simulation)", config.Rig, config.Fps);
    }

    public Observation GetObservation()
    {
        EnsureConnected();
        lock (World.Sync) return new Observation { Values = JointValues(World.Joints) };
    }

    public RobotAction SendAction(RobotAction action)
    {
        EnsureConnected();
        lock (World.Sync)
        {
            var present = World.Joints;
            var previous = World.Goals;
            for (var j = 0; j < So101Joints.Count; j++)
            {
                // A missing or non-finite joint keeps its previous goal, as a servo keeps its last goal register.
                var goal = action.Values.TryGetValue(So101Joints.Names[j], out var v) && float.IsFinite(v) ? v : previous[j];
                if (config.MaxRelativeTarget > 0)
                    goal = Math.Clamp(goal, present[j] - config.MaxRelativeTarget, present[j] + config.MaxRelativeTarget);
                _goals[j] = So101Joints.Clamp(j, goal);
            }
            World.Step(_goals);
            Monitor.PulseAll(World.Sync); // wakes cameras waiting in Read for the new tick
            return new RobotAction(JointValues(_goals));
        }
    }

    public float Reward { get { lock (World.Sync) return World.Reward; } }
    public bool Success { get { lock (World.Sync) return World.Success; } }
    public bool Done { get { lock (World.Sync) return World.Done; } }
    public string Condition { get { lock (World.Sync) return World.Condition; } }

    public void OnEpisodeStart(int episodeIndex, int seed)
    {
        lock (World.Sync)
        {
            World.BeginEpisode(episodeIndex, seed);
            Monitor.PulseAll(World.Sync);
            logger.LogDebug("sim_so101 episode {Episode} seed {Seed}: cube in {Condition}", episodeIndex, seed, World.Condition);
        }
    }

    public void Disconnect() => IsConnected = false;

    public void Dispose() => Disconnect();

    internal static Dictionary<string, float> JointValues(ReadOnlySpan<double> joints)
    {
        var values = new Dictionary<string, float>(So101Joints.Count);
        for (var j = 0; j < So101Joints.Count; j++) values[So101Joints.Names[j]] = (float)joints[j];
        return values;
    }

    private void EnsureConnected()
    {
        if (!IsConnected) throw new RobotHostException("sim_so101 is not connected; call Connect() first");
    }
}
