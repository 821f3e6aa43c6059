using System.Diagnostics;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Transport;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary>The driver against six emulated servos over a real pseudo-terminal.</summary>
public sealed class PtyBusTests
{
    private static readonly byte[] Ids = [1, 2, 3, 4, 5, 6];
    private static readonly IReadOnlyDictionary<int, string> Names = new Dictionary<int, string> { [1] = "shoulder_pan", [2] = "shoulder_lift", [3] = "elbow_flex", [4] = "wrist_flex", [5] = "wrist_roll", [6] = "gripper" };

    private static FeetechBus Open(VirtualServoBus virtualBus, int attempts = 3) =>
        new(SerialServoTransport.Open(virtualBus.PortPath), new FeetechBusOptions { Attempts = attempts, ReplyTimeout = TimeSpan.FromMilliseconds(250) }, motorNames: Names);

    [Fact]
    public void Ping_read_write_sync_read_sync_write_round_trip_over_a_pty()
    {
        using var arm = VirtualServoBus.So101(id => 1000 + 100 * id);
        using var bus = Open(arm);
        Wait.Bounded(() =>
        {
            foreach (var id in Ids) Assert.True(bus.Ping(id));
            Assert.False(bus.Ping(9, attempts: 1));
            Assert.Equal(Ids.Select(i => (int)i), bus.BroadcastPing(TimeSpan.FromSeconds(1)));
            Assert.Equal(Sts3215.ModelNumber, bus.Read(3, Sts3215.ModelNumberRegister));
            Assert.Equal(new[] { 1100, 1200, 1300, 1400, 1500, 1600 }, bus.SyncRead(Sts3215.PresentPosition, Ids));

            bus.Write(2, Sts3215.PCoefficient, 16); // EEPROM, locked: ignored
            Assert.Equal(32, arm.Servos[2].Get(Sts3215.PCoefficient));
            bus.Write(2, Sts3215.Lock, 0);
            bus.Write(2, Sts3215.PCoefficient, 16);
            Assert.Equal(16, arm.Servos[2].Get(Sts3215.PCoefficient));
            bus.SyncWrite(Sts3215.GoalPosition, Ids, [2000, 2001, 2002, 2003, 2004, 2005]);
            Assert.Equal(2003, bus.Read(4, Sts3215.GoalPosition));

            // REG_WRITE waits for ACTION.
            bus.RegWrite(5, Sts3215.GoalPosition, 1234);
            Assert.Equal(2004, arm.Servos[5].GoalPosition);
            bus.Action();
            Assert.True(Wait.Until(() => arm.Servos[5].GoalPosition == 1234, 5));

            // Torque on: the joint moves to its goal; torque off: it stays where the hand puts it.
            bus.Write(1, Sts3215.TorqueEnable, 1);
            Assert.True(Wait.Until(() => bus.Read(1, Sts3215.PresentPosition) == 2000));
            bus.Write(1, Sts3215.TorqueEnable, 0);
            arm.Servos[1].MoveByHand(3000);
            Assert.Equal(3000, bus.Read(1, Sts3215.PresentPosition));
        });
    }

    [Fact]
    public void Corrupt_checksum_dropped_bytes_and_a_late_reply_are_retried_and_succeed()
    {
        using var arm = VirtualServoBus.So101(id => 1000 + id);
        using var bus = Open(arm);
        Wait.Bounded(() =>
        {
            arm.Servos.CorruptChecksums(1);
            Assert.Equal(1003, bus.Read(3, Sts3215.PresentPosition));
            arm.Servos.DropBytes(3, 1);
            Assert.Equal(new[] { 1001, 1002, 1003, 1004, 1005, 1006 }, bus.SyncRead(Sts3215.PresentPosition, Ids));
            arm.Servos.DelayReplies(TimeSpan.FromMilliseconds(600), 1);
            Assert.Equal(1002, bus.Read(2, Sts3215.PresentPosition));
            // a later transaction is not confused by the late reply's leftovers
            Assert.Equal(Sts3215.ModelNumber, bus.Read(2, Sts3215.ModelNumberRegister));
            Assert.True(bus.RetriedTransactions >= 3);
        });
    }

    [Fact]
    public void A_missing_servo_fails_after_bounded_retries_naming_motor_and_register()
    {
        using var arm = VirtualServoBus.So101();
        using var bus = Open(arm);
        arm.Servos[2].Missing = true;
        var sw = Stopwatch.StartNew();
        var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => bus.SyncRead(Sts3215.PresentPosition, Ids)));
        Assert.Contains("shoulder_lift (id 2)", e.Message);
        Assert.Contains("Present_Position", e.Message);
        Assert.Contains("3 attempt", e.Message);
        Assert.Equal(2, e.MotorId);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Persistently_corrupt_replies_end_in_a_clear_error()
    {
        using var arm = VirtualServoBus.So101();
        using var bus = Open(arm);
        arm.Servos.CorruptChecksums(int.MaxValue);
        var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => bus.Read(4, Sts3215.PresentPosition)));
        Assert.Equal(ServoFailure.CorruptReply, e.Failure);
        Assert.Contains("wrist_flex (id 4)", e.Message);
        Assert.Contains("Incorrect status packet", e.Message);
    }

    [Fact]
    public void Overload_and_overheat_bits_raise_a_named_fault()
    {
        using var arm = VirtualServoBus.So101();
        using var bus = Open(arm);
        arm.Servos[6].InjectedError = ServoStatusError.Overload | ServoStatusError.Overheat;
        var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => bus.Read(6, Sts3215.PresentPosition)));
        Assert.Equal(ServoFailure.ServoFault, e.Failure);
        Assert.Contains("gripper (id 6)", e.Message);
        Assert.Contains("Overheat, Overload", e.Message);
        // Turning torque off still works on a faulted servo.
        Wait.Bounded(() => bus.Write(6, Sts3215.TorqueEnable, 0, ignoreFaults: true));
    }

    [Fact]
    public void Servos_at_another_baud_rate_are_reported_as_a_baud_problem()
    {
        using var arm = VirtualServoBus.So101();
        foreach (var servo in arm.Servos.Servos) servo.Put(Sts3215.BaudRate, 1); // 500 kbps
        using var bus = Open(arm, attempts: 2);
        var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => bus.Read(1, Sts3215.ModelNumberRegister)));
        Assert.Contains("another baud rate than 1000000", e.Message);
        // At the servos' rate they answer.
        bus.Transport.SetBaudRate(500_000);
        Assert.Equal(Sts3215.ModelNumber, Wait.Bounded(() => bus.Read(1, Sts3215.ModelNumberRegister)));
    }

    [Fact]
    public void Unpowered_servos_are_reported_as_nothing_at_all()
    {
        using var arm = VirtualServoBus.So101();
        arm.Servos.Powered = false;
        using var bus = Open(arm, attempts: 2);
        var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => bus.Read(1, Sts3215.ModelNumberRegister)));
        Assert.Contains("nothing at all came back", e.Message);
        Assert.Contains("powered", e.Message);
        Assert.Contains("baud", e.Message);
    }

    [Fact]
    public void A_missing_port_lists_candidate_ports()
    {
        var e = Assert.Throws<RobotHostException>(() => SerialServoTransport.Open("/dev/ttyACM_robothost_missing"));
        Assert.Contains("/dev/ttyACM_robothost_missing", e.Message);
        Assert.Contains("does not exist", e.Message);
        var candidates = SerialPorts.Candidates();
        if (candidates.Count == 0) Assert.Contains("/dev/ttyACM*, /dev/ttyUSB*, /dev/serial/by-id/*", e.Message);
        else Assert.Contains(candidates[0], e.Message);
    }

    [Fact]
    public void A_port_is_held_exclusively()
    {
        using var arm = VirtualServoBus.So101();
        using var first = SerialServoTransport.Open(arm.PortPath);
        var e = Assert.Throws<RobotHostException>(() => SerialServoTransport.Open(arm.PortPath));
        Assert.Contains("in use", e.Message);
    }

    [Fact]
    public void An_unplugged_port_fails_fast_and_clearly()
    {
        var arm = VirtualServoBus.So101();
        using var bus = Open(arm);
        Assert.True(Wait.Bounded(() => bus.Ping(1)));
        arm.Unplug();
        var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => bus.Read(1, Sts3215.PresentPosition)));
        Assert.Equal(ServoFailure.PortLost, e.Failure);
        Assert.Contains("unplugged", e.Message);
    }
}
