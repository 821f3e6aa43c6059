using RobotHost.Control;
using RobotHost.Sdk;
using RobotHost.Tests.Rollout;

namespace RobotHost.Tests.Control;

/// <summary>The one rig type on real parts: so101_follower and so101_leader plugins on virtual arms over pseudo-terminals.</summary>
public sealed class RigTests
{
    [Fact]
    public void A_leader_failing_half_way_through_connecting_leaves_the_follower_torque_off_and_dispose_is_idempotent()
    {
        using var arm = new VirtualFollower("rig-half");
        var (_, started) = arm.StartLeader("rig_leader");
        // An id with no calibration file: the leader fails in Connect, after the follower connected and took torque.
        var leaderOptions = new Dictionary<string, string>(started) { ["id"] = "never_calibrated" };
        var rig = Rig.Create(arm.Session.Catalog, new RigSpec("so101_follower", arm.RobotOptions, "so101_leader", leaderOptions), arm.Log);

        var error = Assert.Throws<RobotHostException>(() => rig.Connect());

        Assert.Contains("never_calibrated", error.Message);
        Assert.Contains("calibrate", error.Message);
        // The follower was connected first (it wrote its hold goals with torque on) and is disconnected again, torque off.
        Assert.All(arm.Servos, s => Assert.NotNull(s.GoalsWritten));
        Assert.True(arm.AllTorqueOff, "the follower kept torque after the leader failed to connect");
        Assert.False(rig.Robot.IsConnected);
        Assert.False(rig.Teleoperator!.IsConnected);

        rig.Dispose();
        rig.Dispose();
        Assert.Throws<ObjectDisposedException>(() => rig.Connect());
        Assert.True(arm.AllTorqueOff);
    }

    [Fact]
    public void Connect_then_disconnect_turns_the_follower_torque_on_then_off_and_the_leader_stays_limp()
    {
        using var arm = new VirtualFollower("rig-ok");
        var (leaderBus, leaderOptions) = arm.StartLeader("rig_leader_ok");
        using var rig = Rig.Create(arm.Session.Catalog, new RigSpec("so101_follower", arm.RobotOptions, "so101_leader", leaderOptions), arm.Log);

        rig.Connect();
        Assert.True(rig.Robot.IsConnected && rig.Teleoperator!.IsConnected);
        Assert.True(arm.Servos.All(s => (bool)s.TorqueEnabled), "the follower did not take torque");
        Assert.True(((System.Collections.IEnumerable)leaderBus.Servos.Servos).Cast<dynamic>().All(s => !(bool)s.TorqueEnabled), "the leader took torque");
        // Connecting again leaves connected devices as they are (a TUI session after a recording).
        rig.Connect();

        rig.Disconnect();
        Assert.True(arm.AllTorqueOff);
        Assert.False(rig.Robot.IsConnected);
        Assert.False(rig.Teleoperator!.IsConnected);
    }
}
