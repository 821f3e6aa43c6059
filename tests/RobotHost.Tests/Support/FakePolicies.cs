using RobotHost.Sdk;
using TorchSharp;

namespace RobotHost.Tests.Support;

/// <summary>Policies for evaluation tests over <see cref="FakeReachEnvironment"/>.</summary>
internal abstract class FakePolicy : IPolicy
{
    public PolicyInfo Info { get; } = new(
        "fake",
        [FeatureSpec.Vector(FeatureKeys.State, ["agent.x", "agent.y", "goal.x", "goal.y"]), FeatureSpec.Video(FeatureKeys.Image("front"), 12, 16)],
        FeatureSpec.Vector(FeatureKeys.Action, ["dx", "dy"]),
        10);

    public int Resets { get; private set; }
    public void Reset() => Resets++;
    public abstract float[] SelectAction(Observation observation);
    public virtual void Dispose() { }

    protected static (float Dx, float Dy) TowardsGoal(Observation o) =>
        (o.Values["goal.x"] - o.Values["agent.x"], o.Values["goal.y"] - o.Values["agent.y"]);
}

/// <summary>Heads for the goal with libtorch noise (like a diffusion policy's sampling): good but not perfect; seeded like one.</summary>
internal sealed class NoisyGreedyPolicy(float noise) : FakePolicy, ISeededPolicy
{
    public List<long> Seeds { get; } = [];

    public void Seed(long seed)
    {
        Seeds.Add(seed);
        torch.random.manual_seed(seed);
    }

    public override float[] SelectAction(Observation o)
    {
        var (dx, dy) = TowardsGoal(o);
        using var n = torch.randn(2);
        var z = n.data<float>().ToArray();
        return [dx + noise * z[0], dy + noise * z[1]];
    }
}

/// <summary>Heads for the goal, except it returns <paramref name="garbage"/> from step <paramref name="badStep"/> on in rollouts whose goal is on the right.</summary>
internal sealed class GarbagePolicy(int badStep, Func<float[]> garbage) : FakePolicy
{
    private int _step;
    public override float[] SelectAction(Observation o)
    {
        if (o.Values["agent.y"] == 0 && o.Values["agent.x"] == 0) _step = 0;
        var (dx, dy) = TowardsGoal(o);
        return o.Values["goal.x"] > 0 && _step++ >= badStep ? garbage() : [dx, dy];
    }
}
