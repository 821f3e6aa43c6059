using RobotHost.Sdk;

namespace MyPlugin.Tests;

public sealed class SampleRobotTests
{
    [Fact]
    public void Goals_are_clamped_to_the_max_step_and_limits_and_torque_goes_off_on_disconnect()
    {
        var robot = new SampleRobot(new SampleRobotConfig { MaxRelativeTarget = 5, MaxPosition = 8 }, new TestContext());
        Assert.Equal(["joint1.pos", "joint2.pos"], robot.ActionFeature.Names); // readable before Connect
        robot.Connect();
        var sent = robot.SendAction(RobotAction.FromVector(robot.ActionFeature.Names!, [100f, -3f]));
        Assert.Equal([5f, -3f], sent.ToVector(robot.ActionFeature.Names!));
        sent = robot.SendAction(RobotAction.FromVector(robot.ActionFeature.Names!, [100f, -3f]));
        Assert.Equal(8f, sent.Values["joint1.pos"]);
        robot.Disconnect();
        Assert.False(robot.TorqueEnabled);
        robot.Disconnect(); // always safe
    }
}
