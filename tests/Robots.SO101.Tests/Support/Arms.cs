using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace Robots.SO101.Tests.Support;

/// <summary>Followers and leaders wired to virtual arms on pseudo-terminals.</summary>
internal static class Arms
{
    public static So101Follower Follower(VirtualServoBus bus, string dir, string id, IOperatorConsole? op = null, float? maxRelativeTarget = 20f, int watchdogMs = 0) =>
        new(new So101FollowerConfig { Port = bus.PortPath, Id = id, CalibrationDir = dir, MaxRelativeTarget = maxRelativeTarget, WatchdogMs = watchdogMs, ReplyTimeoutMs = 250 }, new TestContext(op));

    public static So101Leader Leader(VirtualServoBus bus, string dir, string id, IOperatorConsole? op = null) =>
        new(new So101LeaderConfig { Port = bus.PortPath, Id = id, CalibrationDir = dir, ReplyTimeoutMs = 250 }, new TestContext(op));

    public static string TempDir() => RepoPaths.NewTempDirectory("so101");

    /// <summary>Every servo's torque is off.</summary>
    public static bool AllTorqueOff(VirtualServoBus bus) => bus.Servos.Servos.All(s => !s.TorqueEnabled);

    /// <summary>No goal ever written to a servo fell outside its calibrated limits.</summary>
    public static void AssertGoalsWithinLimits(VirtualServoBus bus)
    {
        foreach (var servo in bus.Servos.Servos)
        {
            if (servo.GoalsWritten is not { } goals) continue;
            Assert.True(goals.Min >= servo.MinPositionLimit && goals.Max <= servo.MaxPositionLimit,
                $"servo {servo.Id}: goals {goals.Min}..{goals.Max} outside limits {servo.MinPositionLimit}..{servo.MaxPositionLimit}");
        }
    }
}
