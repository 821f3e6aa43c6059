using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary>
/// Limits as a property: 10 000 ticks of seeded random actions — NaN, ±∞, huge values, missing and unknown joints,
/// jumps across the whole range and beyond — go to a follower on a pseudo-terminal. Judged on the Goal_Position bytes
/// the virtual servos received: not one goal outside the calibrated range, none further than max_relative_target from
/// the position the servo last reported. A held push past each end then shows goals stop exactly at the limits.
/// </summary>
public sealed class LimitsPropertyTests
{
    private const float MaxStep = 20f; // degrees; gripper: % of its range

    [Fact]
    public void No_goal_ever_leaves_the_calibrated_range_or_steps_further_than_the_cap_whatever_the_actions()
    {
        var dir = Arms.TempDir();
        var calibration = VirtualSo101.TypicalCalibration();
        using var arm = VirtualSo101.StartCalibratedArm(dir, "limits");
        using var follower = new So101Follower(new So101FollowerConfig
        {
            Port = arm.PortPath, Id = "limits", CalibrationDir = dir, MaxRelativeTarget = MaxStep, WatchdogMs = 0, ReplyTimeoutMs = 250,
        }, new TestContext());
        Wait.Bounded(() => follower.Connect());
        foreach (var servo in arm.Servos.Servos) servo.RecordGoals = true;

        var random = new Random(20261207);
        var joints = follower.ActionFeature.Names!.ToArray();
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        float[] huge = [1e6f, -1e6f, 1e30f, -1e30f, float.MaxValue, float.MinValue, 3.4e38f, -361f, 361f];
        int sent = 0, refused = 0;
        Wait.Bounded(() =>
        {
            for (var tick = 0; tick < 10_000; tick++)
            {
                var kind = random.Next(10);
                var values = new Dictionary<string, float>();
                // Which joints: usually all six, sometimes a few, sometimes none or only unknown names (wrong lengths).
                var chosen = kind == 0 ? joints.Where(_ => random.Next(2) == 0).ToArray() : joints;
                foreach (var joint in chosen)
                {
                    values[joint] = kind switch
                    {
                        1 => special[random.Next(special.Length)],
                        2 => huge[random.Next(huge.Length)],
                        3 => (float)(random.NextDouble() * 4 - 2), // a small step
                        _ => (float)(random.NextDouble() * 800 - 400), // anywhere across the whole range and beyond
                    };
                }
                if (kind == 0 && random.Next(3) == 0) values["elbow"] = 1e9f; // an unknown joint next to the real ones
                if (kind == 1 && values.Count > 1) values[joints[random.Next(joints.Length)]] = 10; // one bad value among good ones
                try
                {
                    follower.SendAction(new RobotAction(values));
                    sent++;
                }
                catch (RobotHostException e) when (e is not ServoBusException)
                {
                    Assert.True(e.Message.Contains("actions must be finite numbers", StringComparison.Ordinal) || e.Message.Contains("the action has none of", StringComparison.Ordinal), e.Message);
                    refused++;
                }
            }
        }, 240);

        // Then a held push beyond each end, paced so the servos travel there whatever the machine's speed: every goal
        // of the push must stop at the calibrated limit, never past it.
        foreach (var beyond in new[] { 1e6f, -1e6f })
        {
            var push = new RobotAction(joints.ToDictionary(j => j, _ => beyond));
            var reached = Wait.Until(() =>
            {
                follower.SendAction(push);
                return So101Joints.Motors.All(m =>
                {
                    var c = calibration[m];
                    var goals = arm.Servos.Joint(m).GoalLog;
                    return goals.Count > 0 && goals[^1].Goal == (beyond > 0 ? c.RangeMax : c.RangeMin);
                });
            }, 30);
            Assert.True(reached, $"a held push to {beyond:G3} did not bring every joint's goal to its calibrated limit within 30 s");
        }

        Assert.True(sent > 6000, $"only {sent} actions were sent");
        Assert.True(refused > 500, $"only {refused} actions were refused");
        for (var i = 0; i < So101Joints.Motors.Count; i++)
        {
            var motor = So101Joints.Motors[i];
            var c = calibration[motor];
            var servo = arm.Servos.Joint(motor);
            var log = servo.GoalLog;
            Assert.True(log.Count > 3000, $"{motor}: only {log.Count} goals received");
            // The cap in raw steps, +1 for truncation to whole steps.
            var cap = motor == So101Joints.Gripper ? MaxStep / 100 * (c.RangeMax - c.RangeMin) + 1 : MaxStep * Sts3215.MaxPosition / 360.0 + 1;
            foreach (var (goal, present) in log)
            {
                Assert.True(goal >= c.RangeMin && goal <= c.RangeMax, $"{motor}: goal {goal} outside the calibrated range {c.RangeMin}..{c.RangeMax}");
                Assert.True(Math.Abs(goal - present) <= cap, $"{motor}: goal {goal} is {Math.Abs(goal - present)} steps from the reported position {present} (cap {cap:F0})");
            }
            Assert.Contains(log, g => g.Goal == c.RangeMin);
            Assert.Contains(log, g => g.Goal == c.RangeMax);
        }
        follower.Disconnect();
        Assert.True(Arms.AllTorqueOff(arm));
    }
}
