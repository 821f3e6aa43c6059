using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Plugins.Sim.SO101.Tests.Support;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Tests;

public sealed class JointLimitTests
{
    [Fact]
    public void Random_actions_never_take_a_joint_past_its_limits_and_the_sent_action_is_clamped()
    {
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var robot = registry.Create<IRobot>("sim_so101", new SimRobotConfig());
        robot.Connect();
        var rng = new Random(1234);
        for (var episode = 0; episode < 10; episode++)
        {
            ((IEpisodeAware)robot).OnEpisodeStart(episode, episode);
            for (var tick = 0; tick < 500; tick++)
            {
                // Mix of bang-bang extremes, wild values and occasional garbage, held for a few ticks like a bad policy.
                var goals = new float[So101Joints.Count];
                for (var j = 0; j < goals.Length; j++)
                    goals[j] = rng.Next(10) switch
                    {
                        0 => float.NaN,
                        1 => (float)(rng.NextDouble() * 2e4 - 1e4),
                        < 5 => rng.Next(2) == 0 ? -1000f : 1000f,
                        _ => (float)(rng.NextDouble() * 400 - 200),
                    };
                var sent = robot.SendAction(RobotAction.FromVector(So101Joints.Names, goals)).ToVector(So101Joints.Names);
                var state = robot.GetObservation().ToVector(So101Joints.Names);
                for (var j = 0; j < So101Joints.Count; j++)
                {
                    Assert.InRange(sent[j], So101Joints.Lower[j], So101Joints.Upper[j]);
                    Assert.InRange(state[j], So101Joints.Lower[j], So101Joints.Upper[j]);
                }
            }
        }
    }

    [Fact]
    public void Random_actions_through_the_environment_keep_every_joint_within_limits()
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        var rng = new Random(99);
        for (var episode = 0; episode < 5; episode++)
        {
            env.Reset(episode);
            var action = new float[So101Joints.Count];
            for (var tick = 0; tick < 300; tick++)
            {
                if (tick % 7 == 0)
                    for (var j = 0; j < action.Length; j++) action[j] = (float)(rng.NextDouble() * 600 - 300);
                var state = env.Step(action).Observation.ToVector(So101Joints.Names);
                for (var j = 0; j < So101Joints.Count; j++) Assert.InRange(state[j], So101Joints.Lower[j], So101Joints.Upper[j]);
            }
        }
    }

    [Fact]
    public void Max_relative_target_limits_how_far_a_goal_is_from_the_present_position()
    {
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var robot = registry.Create<IRobot>("sim_so101", new SimRobotConfig { MaxRelativeTarget = 5 });
        robot.Connect();
        var present = robot.GetObservation().ToVector(So101Joints.Names);
        var sent = robot.SendAction(RobotAction.FromVector(So101Joints.Names, [90, 90, 90, 90, 90, 90])).ToVector(So101Joints.Names);
        for (var j = 0; j < So101Joints.Count; j++) Assert.True(sent[j] <= present[j] + 5 + 1e-4, $"joint {j}: {sent[j]} from {present[j]}");
    }

    [Fact]
    public void Physics_advances_one_tick_per_action_not_with_the_wall_clock()
    {
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var robot = registry.Create<IRobot>("sim_so101", new SimRobotConfig());
        robot.Connect();
        var before = robot.GetObservation().ToVector(So101Joints.Names);
        robot.SendAction(RobotAction.FromVector(So101Joints.Names, [60, 0, 0, 60, 0, 50]));
        var after1 = robot.GetObservation().ToVector(So101Joints.Names);
        Thread.Sleep(100);
        Assert.Equal(after1, robot.GetObservation().ToVector(So101Joints.Names)); // nothing moves between actions
        Assert.NotEqual(before, after1);
        // One tick at 30 Hz from rest: the pan moved, but far less than the 60° asked (servo lag).
        Assert.InRange(after1[0] - before[0], 0.1, 10);
    }
}
