using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary>Each injected fault during operation ends in a retry that succeeds or a clean stop with torque off — never a hang.</summary>
public sealed class FaultTests
{
    private static RobotAction Nudge(RobotHost.Plugins.Robots.SO101.Devices.So101Follower follower, float by)
    {
        var values = follower.GetObservation().Values.ToDictionary(p => p.Key, p => p.Value + by);
        return new RobotAction(values);
    }

    private static (VirtualServoBus Arm, RobotHost.Plugins.Robots.SO101.Devices.So101Follower Follower) Connected(string id)
    {
        var dir = Arms.TempDir();
        var arm = VirtualSo101.StartCalibratedArm(dir, id);
        var follower = Arms.Follower(arm, dir, id);
        Wait.Bounded(() => follower.Connect());
        return (arm, follower);
    }

    [Fact]
    public void One_off_corrupt_dropped_and_late_replies_are_retried_and_the_loop_goes_on()
    {
        var (arm, follower) = Connected("retry");
        using (arm)
        using (follower)
        {
            Wait.Bounded(() =>
            {
                arm.Servos.CorruptChecksums(1);
                follower.SendAction(Nudge(follower, 1));
                arm.Servos.DropBytes(4, 1);
                follower.SendAction(Nudge(follower, 1));
                arm.Servos.DelayReplies(TimeSpan.FromMilliseconds(600), 1);
                follower.GetObservation();
            });
            Assert.True(follower.Bus!.RetriedTransactions >= 3);
            Assert.True(arm.Servos.Servos.All(s => s.TorqueEnabled));
            Arms.AssertGoalsWithinLimits(arm);
            follower.Disconnect();
            Assert.True(Arms.AllTorqueOff(arm));
        }
    }

    [Theory]
    [InlineData("overload")]
    [InlineData("overheat")]
    [InlineData("missing")]
    [InlineData("corrupt")]
    public void A_persistent_fault_stops_cleanly_with_torque_off(string fault)
    {
        var (arm, follower) = Connected("fault_" + fault);
        using (arm)
        using (follower)
        {
            switch (fault)
            {
                case "overload": arm.Servos[2].InjectedError = ServoStatusError.Overload; break;
                case "overheat": arm.Servos[4].InjectedError = ServoStatusError.Overheat; break;
                case "missing": arm.Servos[3].Missing = true; break;
                case "corrupt": arm.Servos.CorruptChecksums(int.MaxValue); break;
            }
            var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() =>
            {
                for (var i = 0; i < 5; i++) follower.SendAction(new RobotAction(new Dictionary<string, float> { ["wrist_roll.pos"] = 10 * i }));
            }));
            Assert.Contains(fault switch { "overload" => "shoulder_lift (id 2) reports Overload", "overheat" => "wrist_flex (id 4) reports Overheat", "missing" => "elbow_flex (id 3) did not answer", _ => "Incorrect status packet" }, e.Message);
            Wait.Bounded(follower.Disconnect);
            Assert.False(follower.IsConnected);
            // Servos that can hear the bus are all off (a missing servo hears nothing: it stays as it was).
            Assert.True(arm.Servos.Servos.Where(s => !s.Missing).All(s => !s.TorqueEnabled));
            Arms.AssertGoalsWithinLimits(arm);
        }
    }

    [Fact]
    public void An_unplugged_follower_fails_clearly_and_disconnect_does_not_hang()
    {
        var (arm, follower) = Connected("unplug");
        using (follower)
        {
            arm.Unplug();
            var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => follower.GetObservation()));
            Assert.Equal(ServoFailure.PortLost, e.Failure);
            Wait.Bounded(follower.Disconnect, 5);
            Wait.Bounded(follower.Disconnect, 5); // idempotent
            Assert.False(follower.IsConnected);
        }
    }
}
