using RobotHost.Evaluation;
using RobotHost.Sdk;
using RobotHost.Tests.Support;
using RobotHost.Training;

namespace RobotHost.Tests.Training;

public sealed class PolicyEnsembleTests
{
    private static EvalOptions Options => new() { Checkpoint = "unused", Env = "reach_2d", Episodes = 6 };

    /// <summary>Aims <paramref name="offset"/> to the side of the goal: a run of a recipe with its own systematic error.</summary>
    private sealed class AimingPolicy(float offset) : FakePolicy
    {
        public bool Disposed { get; private set; }
        public override float[] SelectAction(Observation o)
        {
            var (dx, dy) = TowardsGoal(o);
            return [dx + offset, dy];
        }
        public override void Dispose() => Disposed = true;
    }

    [Fact]
    public void Members_that_miss_on_either_side_succeed_together_because_their_actions_are_averaged()
    {
        var left = new AimingPolicy(-0.2f);
        var right = new AimingPolicy(0.2f);
        Assert.Equal(0, Evaluator.Evaluate(left, new FakeReachEnvironment(), Options).Successes);
        Assert.Equal(0, Evaluator.Evaluate(right, new FakeReachEnvironment(), Options).Successes);

        var ensemble = new PolicyEnsemble([left, right]);
        var result = Evaluator.Evaluate(ensemble, new FakeReachEnvironment(), Options);
        Assert.Equal(6, result.Successes);
        Assert.Equal("fake+fake", result.PolicyType);
        Assert.Equal(12, left.Resets); // 6 rollouts alone, 6 in the ensemble
        Assert.Equal(left.Resets, right.Resets);

        // A member's garbage reaches the evaluator's guard: the rollout fails, the robot holds.
        using var broken = new PolicyEnsemble([new AimingPolicy(0), new GarbagePolicy(1, () => [float.NaN, 0])]);
        var guarded = Evaluator.Evaluate(broken, new FakeReachEnvironment(), Options);
        Assert.Equal(3, guarded.InvalidActionEpisodes);

        ensemble.Dispose();
        Assert.True(left.Disposed && right.Disposed);
    }

    [Fact]
    public void An_ensemble_of_noisy_members_repeats_its_rollouts_because_the_evaluator_seeds_every_member()
    {
        var left = new NoisyGreedyPolicy(noise: 0.3f);
        var right = new NoisyGreedyPolicy(noise: 0.3f);
        using var ensemble = new PolicyEnsemble([left, right, new AimingPolicy(0)]);
        var first = Evaluator.Evaluate(ensemble, new FakeReachEnvironment { MaxSteps = 20 }, Options with { Episodes = 8 });
        var again = Evaluator.Evaluate(ensemble, new FakeReachEnvironment { MaxSteps = 20 }, Options with { Episodes = 8 });
        Assert.Equal(first.Episodes.Select(e => (e.Success, e.Steps, e.MaxReward)), again.Episodes.Select(e => (e.Success, e.Steps, e.MaxReward)));
        var seeds = first.Episodes.Select(e => (long)e.Seed).Concat(again.Episodes.Select(e => (long)e.Seed)).ToList();
        Assert.Equal(seeds, left.Seeds);
        Assert.Equal(seeds, right.Seeds);
    }

    private sealed class OtherRobotPolicy : IPolicy
    {
        public PolicyInfo Info { get; } = new("other", [FeatureSpec.Vector(FeatureKeys.State, ["q1", "q2"])], FeatureSpec.Vector(FeatureKeys.Action, ["q1", "q2"]), 10);
        public void Reset() { }
        public float[] SelectAction(Observation observation) => [0, 0];
        public void Dispose() { }
    }

    [Fact]
    public void Members_must_act_on_the_same_action_and_one_member_is_no_ensemble()
    {
        var error = Assert.Throws<RobotHostException>(() => new PolicyEnsemble([new AimingPolicy(0), new OtherRobotPolicy()], ["runs/a", "runs/b"]));
        Assert.Contains("'runs/b' acts on [q1, q2] but 'runs/a' on [dx, dy]", error.Message);
        Assert.Contains("same robot and task", error.Message);
        Assert.Contains("at least two", Assert.Throws<RobotHostException>(() => new PolicyEnsemble([new AimingPolicy(0)])).Message);
        Assert.Contains("not with a loaded policy", string.Join("; ", (Options with { Policy = new AimingPolicy(0), Ensemble = ["b"] }).Validate()));
    }
}
