using RobotHost.Sdk;

namespace RobotHost.Tests.Rollout;

/// <summary>A policy for the robot's own joints whose action is computed by <paramref name="act"/> (honest stand-ins for trained policies when testing loop safety).</summary>
internal sealed class ScriptedPolicy(IRobot robot, Func<Observation, IReadOnlyList<string>, float[]> act) : IPolicy
{
    public PolicyInfo Info { get; } = new("scripted", [robot.StateFeature], robot.ActionFeature, 30);

    public int Calls;

    public void Reset() { }

    public float[] SelectAction(Observation observation)
    {
        Interlocked.Increment(ref Calls);
        return act(observation, Info.ActionFeature.Names!);
    }

    public void Dispose() { }
}
