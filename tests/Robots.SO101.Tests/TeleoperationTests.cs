using RobotHost.Plugins.Robots.SO101.Calibration;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary>A virtual leader moved by hand drives a virtual follower, both on real pseudo-terminals.</summary>
public sealed class TeleoperationTests
{
    private static Dictionary<string, MotorCalibration> FollowerCalibration()
    {
        var c = VirtualSo101.TypicalCalibration();
        c["elbow_flex"] = c["elbow_flex"] with { RangeMin = 1500, RangeMax = 2600 }; // narrower than the leader's
        return c;
    }

    private static void Step(ITeleoperator leader, IRobot follower, int ticks)
    {
        for (var t = 0; t < ticks; t++)
        {
            follower.SendAction(leader.GetAction());
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void The_follower_follows_the_leader_within_its_limits()
    {
        var dir = Arms.TempDir();
        using var leaderArm = VirtualSo101.StartCalibratedArm(dir, "leader");
        using var followerArm = VirtualSo101.StartCalibratedArm(dir, "follower", FollowerCalibration());
        using var leader = Arms.Leader(leaderArm, dir, "leader");
        using var follower = Arms.Follower(followerArm, dir, "follower");
        Wait.Bounded(() => { leader.Connect(); follower.Connect(); });
        Assert.True(followerArm.Servos.Servos.All(s => s.TorqueEnabled));
        Assert.True(leaderArm.Servos.Servos.All(s => !s.TorqueEnabled));

        // Move the leader by hand: +300 steps (≈26°) on most joints, the elbow far beyond the follower's range, gripper open.
        var cal = VirtualSo101.TypicalCalibration();
        foreach (var (motor, c) in cal)
        {
            var middle = (c.RangeMin + c.RangeMax) / 2;
            var target = motor switch { "elbow_flex" => c.RangeMax - 10, "gripper" => c.RangeMin + (c.RangeMax - c.RangeMin) * 3 / 4, _ => middle + 300 };
            leaderArm.Servos.Joint(motor).MoveByHand(target);
        }
        Wait.Bounded(() => Step(leader, follower, 40));
        var wanted = leader.GetAction();
        Assert.True(Wait.Until(() =>
        {
            var got = follower.GetObservation().Values;
            return So101Joints.Features.Where(f => f != "elbow_flex.pos").All(f => Math.Abs(got[f] - wanted.Values[f]) < 1.0f);
        }), "the follower did not reach the leader's pose");
        var observed = follower.GetObservation().Values;
        Assert.Equal(26.4f, observed["shoulder_pan.pos"], 0.5f);
        Assert.Equal(75f, observed["gripper.pos"], 1f);
        // The elbow stops at the follower's own calibrated maximum.
        var elbowMax = JointUnits.ToUser(2600, FollowerCalibration()["elbow_flex"], JointUnit.Degrees);
        Assert.True(wanted.Values["elbow_flex.pos"] > elbowMax + 20);
        Assert.Equal(elbowMax, observed["elbow_flex.pos"], 0.5f);
        Assert.Equal(2600, followerArm.Servos.Joint("elbow_flex").GoalsWritten!.Value.Max);
        Arms.AssertGoalsWithinLimits(followerArm);

        follower.Disconnect();
        leader.Disconnect();
        Assert.True(Arms.AllTorqueOff(followerArm));
    }

    [Fact]
    public void A_big_jump_is_capped_to_max_relative_target_and_the_action_sent_is_returned()
    {
        var dir = Arms.TempDir();
        using var arm = VirtualSo101.StartCalibratedArm(dir, "f");
        using var follower = Arms.Follower(arm, dir, "f", maxRelativeTarget: 5f);
        Wait.Bounded(() => follower.Connect());
        var start = follower.GetObservation().Values["shoulder_pan.pos"];
        var sent = follower.SendAction(new RobotAction(new Dictionary<string, float> { ["shoulder_pan.pos"] = start + 90 }));
        Assert.Equal(start + 5, sent.Values["shoulder_pan.pos"], 0.2f);
        Assert.Single(sent.Values);
        // Outside the calibrated range: clamped to range_max even without a step cap.
        follower.Disconnect();
        using var uncapped = Arms.Follower(arm, dir, "f", maxRelativeTarget: null);
        Wait.Bounded(() => uncapped.Connect());
        var wild = uncapped.SendAction(RobotAction.FromVector(So101Joints.Features, [500, -500, 500, -500, 500, 250]));
        Assert.Equal(100f, wild.Values["gripper.pos"], 0.01f);
        Arms.AssertGoalsWithinLimits(arm);
        Assert.True(Wait.Until(() => arm.Servos[1].GoalPosition == 3380 && arm.Servos[2].GoalPosition == 870), "goals not clamped to range_max / range_min");
        Assert.Throws<RobotHostException>(() => uncapped.SendAction(RobotAction.FromVector(So101Joints.Features, [float.NaN, 0, 0, 0, 0, 0])));
        uncapped.Disconnect();
    }

    [Fact]
    public void The_watchdog_turns_torque_off_when_actions_stop()
    {
        var dir = Arms.TempDir();
        using var arm = VirtualSo101.StartCalibratedArm(dir, "w");
        using var follower = Arms.Follower(arm, dir, "w", watchdogMs: 150);
        Wait.Bounded(() => follower.Connect());
        follower.SendAction(new RobotAction(follower.GetObservation().Values));
        Assert.True(arm.Servos.Servos.All(s => s.TorqueEnabled));
        Assert.True(Wait.Until(() => Arms.AllTorqueOff(arm)), "watchdog did not turn torque off");
        Assert.True(follower.WatchdogTripped);
        var e = Assert.Throws<RobotHostException>(() => follower.SendAction(new RobotAction(new Dictionary<string, float> { ["gripper.pos"] = 50 })));
        Assert.Contains("watchdog", e.Message);
        follower.Disconnect();
        Wait.Bounded(() => follower.Connect());
        Assert.True(arm.Servos.Servos.All(s => s.TorqueEnabled));
        follower.Disconnect();
    }

    [Fact]
    public void The_leader_mirrors_goals_with_torque_within_its_step_and_limits_and_goes_limp_when_mirroring_ends()
    {
        var dir = Arms.TempDir();
        using var leaderArm = VirtualSo101.StartCalibratedArm(dir, "mirror_leader");
        using var leader = new So101Leader(new So101LeaderConfig { Port = leaderArm.PortPath, Id = "mirror_leader", CalibrationDir = dir, ReplyTimeoutMs = 250, MaxRelativeTarget = 5f }, new TestContext(null));
        Wait.Bounded(() => leader.Connect());
        Assert.True(Arms.AllTorqueOff(leaderArm));
        var start = leader.GetAction().Values;

        Assert.True(leader.BeginMirroring());
        Assert.True(leaderArm.Servos.Servos.All(s => s.TorqueEnabled), "mirroring did not turn the leader's torque on");
        // A goal 40° away arrives at most 5° per call; the elbow's goal far beyond its range stops at range_max.
        var goals = new Dictionary<string, float>(start) { ["shoulder_pan.pos"] = start["shoulder_pan.pos"] + 40, ["elbow_flex.pos"] = 500 };
        var pans = new List<float>();
        for (var i = 0; i < 30; i++)
        {
            pans.Add(leader.GetAction().Values["shoulder_pan.pos"]);
            leader.Mirror(new RobotAction(goals));
            Thread.Sleep(20);
        }
        Assert.True(Wait.Until(() => Math.Abs(leader.GetAction().Values["shoulder_pan.pos"] - (start["shoulder_pan.pos"] + 40)) < 1f), "the leader did not reach the mirrored goal");
        var steps = pans.Zip(pans.Skip(1), (a, b) => Math.Abs(b - a)).ToList();
        Assert.True(steps.Max() <= 5f + 0.5f, $"the leader moved {steps.Max():F1}° in one call; max step is 5° ({string.Join(", ", steps.Select(x => x.ToString("F1")))})");
        Arms.AssertGoalsWithinLimits(leaderArm);

        leader.EndMirroring();
        Assert.True(Arms.AllTorqueOff(leaderArm), "ending mirroring left torque on");
        // Limp again: a hand moves it, and further goals are ignored.
        var pan = leaderArm.Servos.Joint("shoulder_pan");
        pan.MoveByHand(pan.PresentPosition - 200);
        leader.Mirror(new RobotAction(goals));
        Assert.True(Arms.AllTorqueOff(leaderArm));
        Assert.True(leader.GetAction().Values["shoulder_pan.pos"] < start["shoulder_pan.pos"] + 40 - 10);

        // A leader configured without mirroring says so instead of turning torque on.
        leader.Disconnect();
        using var limp = new So101Leader(new So101LeaderConfig { Port = leaderArm.PortPath, Id = "mirror_leader", CalibrationDir = dir, ReplyTimeoutMs = 250, Mirror = false }, new TestContext(null));
        Wait.Bounded(() => limp.Connect());
        Assert.False(limp.BeginMirroring());
        Assert.True(Arms.AllTorqueOff(leaderArm));
        limp.Disconnect();
    }
}
