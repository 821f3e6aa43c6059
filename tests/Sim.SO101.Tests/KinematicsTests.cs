using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.PickPlace;

namespace RobotHost.Plugins.Sim.SO101.Tests;

public sealed class KinematicsTests
{
    [Fact]
    public void Inverse_kinematics_puts_the_grasp_point_on_every_zone_and_over_the_bin_within_a_millimetre()
    {
        var targets = Enumerable.Range(1, PickPlaceLayout.ZoneCount).Select(PickPlaceLayout.ZoneCenter)
            .Append(PickPlaceLayout.BinCenter with { Z = 0.14 }).ToList();
        foreach (var target in targets)
        {
            var pan = Math.Atan2(target.Y, target.X) * 180 / Math.PI;
            var reach = Math.Sqrt(target.X * target.X + target.Y * target.Y);
            var q = So101Kinematics.Inverse(new TaskPose(pan, reach, target.Z, 180, 0, 50));
            var tip = So101Kinematics.Forward(q).Tip;
            Assert.True((tip - target).Length < 0.001, $"target {target} reached {tip}");
            for (var j = 0; j < So101Joints.Count; j++) Assert.InRange(q[j], So101Joints.Lower[j], So101Joints.Upper[j]);
            // Top-down grasps: the gripper points straight down at every zone.
            Assert.True(So101Kinematics.Forward(q).Forward.Z < -0.99, $"gripper not vertical at {target}");
        }
    }

    [Fact]
    public void Servos_track_a_step_goal_with_lag_and_never_exceed_their_speed_limit()
    {
        var servos = new ServoDynamics();
        servos.Place([0, 0, 0, 0, 0, 50]);
        servos.Goal[0] = 90;
        var dt = 1.0 / 30;
        var previous = 0.0;
        var ticks = 0;
        while (Math.Abs(servos.Position[0] - 90) > 1e-9 && ticks < 300)
        {
            servos.Advance(dt);
            Assert.True(Math.Abs(servos.Position[0] - previous) <= So101Joints.MaxVelocity[0] * dt + 1e-9);
            previous = servos.Position[0];
            ticks++;
        }
        // 90° at 240°/s with acceleration limits: the goal is reached late (lag), but reached, without overshoot, within a second.
        Assert.InRange(ticks, 12, 30);
        Assert.Equal(90, servos.Position[0], 9);
    }
}
