using System.Diagnostics;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary>
/// A device that loses its bus makes itself safe without waiting for its caller: after <c>fail_safe_after</c> failed
/// transactions in a row (at once when the port is gone) torque goes off and every further goal is refused — not one
/// byte reaches the bus — until the arm is disconnected and connected again. On real pseudo-terminals.
/// </summary>
public sealed class FailSafeTests
{
    private const int ReplyTimeoutMs = 100;

    private static So101Follower Follower(VirtualServoBus bus, string dir, string id) =>
        new(new So101FollowerConfig { Port = bus.PortPath, Id = id, CalibrationDir = dir, WatchdogMs = 0, ReplyTimeoutMs = ReplyTimeoutMs, FailSafeAfter = 3 }, new TestContext());

    private static So101Leader Leader(VirtualServoBus bus, string dir, string id) =>
        new(new So101LeaderConfig { Port = bus.PortPath, Id = id, CalibrationDir = dir, ReplyTimeoutMs = ReplyTimeoutMs, FailSafeAfter = 3 }, new TestContext());

    private static RobotAction Hold(So101Follower follower) => new(follower.GetObservation().Values.ToDictionary(p => p.Key, p => p.Value + 1));

    [Fact]
    public void A_follower_whose_servo_stops_answering_turns_torque_off_itself_and_refuses_goals_until_reconnected()
    {
        var dir = Arms.TempDir();
        using var arm = VirtualSo101.StartCalibratedArm(dir, "fs_silent");
        using var follower = Follower(arm, dir, "fs_silent");
        Wait.Bounded(() => follower.Connect());
        var action = Hold(follower);
        Wait.Bounded(() => follower.SendAction(action));
        Assert.True(arm.Servos.Servos.All(s => s.TorqueEnabled));

        var elbow = arm.Servos.Joint("elbow_flex");
        elbow.Missing = true;
        // Two failed transactions: plain errors, the arm still holds (the caller may retry).
        for (var i = 1; i <= 2; i++)
        {
            var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => follower.SendAction(action)));
            Assert.DoesNotContain("made itself safe", e.Message);
            Assert.Null(follower.FailSafe);
        }
        Assert.True(arm.Servos.Servos.Where(s => !s.Missing).All(s => s.TorqueEnabled), "torque went off before the third failure");

        // The third in a row: torque off on every servo that can hear, without any Disconnect from the caller.
        var tripped = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => follower.SendAction(action)));
        Assert.Contains($"so101_follower 'fs_silent' on {arm.PortPath} made itself safe after 3 failed bus transaction(s)", tripped.Message);
        Assert.Contains("Servo: elbow_flex (id 3); fault: NoReply", tripped.Message);
        Assert.Equal(ServoFailure.NoReply, tripped.Failure);
        Assert.Equal(3, tripped.MotorId);
        Assert.Same(tripped, follower.FailSafe);
        Assert.True(arm.Servos.Servos.Where(s => !s.Missing).All(s => !s.TorqueEnabled), "torque still on after the fail-safe tripped");
        Assert.True(follower.IsConnected);

        // Refused from now on, even with the servo back: nothing reaches the bus.
        elbow.Missing = false;
        var bytes = arm.BytesReceived;
        var goals = arm.Servos.Servos.Sum(s => s.GoalWrites);
        var clock = Stopwatch.StartNew();
        var refused = Assert.Throws<ServoBusException>(() => follower.SendAction(action));
        Assert.StartsWith($"so101_follower 'fs_silent' on {arm.PortPath} refuses goals", refused.Message);
        Assert.Contains("elbow_flex (id 3)", refused.Message);
        Assert.Throws<ServoBusException>(() => follower.GetObservation());
        Assert.True(clock.ElapsedMilliseconds < ReplyTimeoutMs, $"a refused goal took {clock.ElapsedMilliseconds} ms: it went to the bus");
        Thread.Sleep(50);
        Assert.Equal(bytes, arm.BytesReceived);
        Assert.Equal(goals, arm.Servos.Servos.Sum(s => s.GoalWrites));
        Assert.True(arm.Servos.Servos.Where(s => s != elbow).All(s => !s.TorqueEnabled)); // the silent servo never heard the torque off

        // Reconnected: works again.
        Wait.Bounded(follower.Disconnect);
        Wait.Bounded(() => follower.Connect());
        Assert.Null(follower.FailSafe);
        Wait.Bounded(() => follower.SendAction(Hold(follower)));
        Assert.True(arm.Servos.Servos.All(s => s.TorqueEnabled), "torque off after reconnecting: " + string.Join(", ", arm.Servos.Servos.Where(s => !s.TorqueEnabled).Select(s => s.Id)));
        Arms.AssertGoalsWithinLimits(arm);
    }

    [Fact]
    public void An_unplugged_follower_makes_itself_safe_at_once_and_refuses_goals_naming_the_port()
    {
        var dir = Arms.TempDir();
        var arm = VirtualSo101.StartCalibratedArm(dir, "fs_unplug");
        using var follower = Follower(arm, dir, "fs_unplug");
        Wait.Bounded(() => follower.Connect());
        var action = Hold(follower);
        arm.Unplug();

        var tripped = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => follower.SendAction(action)));
        Assert.Equal(ServoFailure.PortLost, tripped.Failure);
        Assert.Contains($"on {arm.PortPath} made itself safe after 1 failed bus transaction(s)", tripped.Message);
        Assert.Contains("Servo: every servo on the port; fault: PortLost", tripped.Message);
        Assert.Contains($"serial port '{arm.PortPath}' stopped working", tripped.Message);

        var clock = Stopwatch.StartNew();
        var refused = Assert.Throws<ServoBusException>(() => follower.SendAction(action));
        Assert.True(clock.ElapsedMilliseconds < ReplyTimeoutMs, $"a refused goal took {clock.ElapsedMilliseconds} ms");
        Assert.Contains("refuses goals", refused.Message);
        Assert.Equal(ServoFailure.PortLost, refused.Failure);
        Wait.Bounded(follower.Disconnect, 5);
        Assert.False(follower.IsConnected);
    }

    [Theory]
    [InlineData("silent")]
    [InlineData("unplug")]
    public void A_leader_that_loses_its_bus_makes_itself_safe_and_refuses_until_reconnected(string fault)
    {
        var dir = Arms.TempDir();
        var arm = VirtualSo101.StartCalibratedArm(dir, "fs_leader_" + fault);
        try
        {
            using var leader = Leader(arm, dir, "fs_leader_" + fault);
            Wait.Bounded(() => leader.Connect());
            Wait.Bounded(() => leader.GetAction());
            if (fault == "silent") arm.Servos.Joint("wrist_flex").Missing = true;
            else arm.Unplug();
            var failures = fault == "silent" ? 3 : 1;
            ServoBusException? last = null;
            for (var i = 0; i < failures; i++) last = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => leader.GetAction()));
            Assert.Contains($"so101_leader 'fs_leader_{fault}' on {arm.PortPath} made itself safe after {failures} failed", last!.Message);
            Assert.Contains(fault == "silent" ? "Servo: wrist_flex (id 4); fault: NoReply" : "fault: PortLost", last.Message);
            Assert.Same(last, leader.FailSafe);
            var refused = Assert.Throws<ServoBusException>(() => leader.GetAction());
            Assert.Contains("refuses goals", refused.Message);
            if (fault == "silent")
            {
                Assert.True(Arms.AllTorqueOff(arm));
                arm.Servos.Joint("wrist_flex").Missing = false;
                Wait.Bounded(leader.Disconnect);
                Wait.Bounded(() => leader.Connect());
                Assert.Null(leader.FailSafe);
                Assert.Equal(6, Wait.Bounded(() => leader.GetAction()).Values.Count);
            }
            Wait.Bounded(leader.Disconnect, 5);
        }
        finally
        {
            arm.Dispose();
        }
    }
}
