namespace RobotHost.Plugins.Sim.SO101.Arm;

/// <summary>
/// Position-controlled servos as seen from the bus: each joint chases its goal with a proportional speed command
/// bounded by velocity and acceleration limits, decelerating in time to stop at the goal, so goals are tracked
/// with a few ticks of lag like an STS3215 in position mode. Advanced only by <see cref="Advance"/>, never by a clock.
/// </summary>
public sealed class ServoDynamics
{
    private const double Gain = 15.0; // 1/s: proportional speed per degree of error, a stiff but not instant servo
    private const double Deadband = 0.05; // degrees (or %): closer than this the servo settles on its goal

    public double[] Position { get; } = new double[So101Joints.Count];
    public double[] Velocity { get; } = new double[So101Joints.Count];
    public double[] Goal { get; } = new double[So101Joints.Count];

    /// <summary>Lower bound the gripper cannot close past this tick (a held cube stalls the jaws), or null.</summary>
    public double? GripperStall { get; set; }

    public void Place(ReadOnlySpan<double> joints)
    {
        for (var j = 0; j < So101Joints.Count; j++)
        {
            Position[j] = So101Joints.Clamp(j, joints[j]);
            Goal[j] = Position[j];
            Velocity[j] = 0;
        }
        GripperStall = null;
    }

    public void Advance(double dt)
    {
        for (var j = 0; j < So101Joints.Count; j++)
        {
            var error = Goal[j] - Position[j];
            if (Math.Abs(error) <= Deadband && Math.Abs(Velocity[j]) <= Gain * Deadband)
            {
                Position[j] = Math.Clamp(Goal[j], j == So101Joints.Gripper && GripperStall is { } s ? Math.Max(s, So101Joints.Lower[j]) : So101Joints.Lower[j], So101Joints.Upper[j]);
                Velocity[j] = 0;
                continue;
            }
            var vmax = So101Joints.MaxVelocity[j];
            var amax = So101Joints.MaxAcceleration[j];
            // Speed that can still stop at the goal: v² = 2·a·d.
            var stopping = Math.Sqrt(2 * amax * Math.Abs(error));
            var desired = Math.Clamp(Gain * error, -Math.Min(vmax, stopping), Math.Min(vmax, stopping));
            var dv = Math.Clamp(desired - Velocity[j], -amax * dt, amax * dt);
            Velocity[j] += dv;
            var next = Position[j] + Velocity[j] * dt;
            // Never overshoot the goal within one tick (the servo's own deadband).
            if ((Goal[j] - Position[j]) * (Goal[j] - next) < 0) { next = Goal[j]; Velocity[j] = 0; }
            var lower = So101Joints.Lower[j];
            if (j == So101Joints.Gripper && GripperStall is { } stall) lower = Math.Max(lower, stall);
            if (next < lower || next > So101Joints.Upper[j]) { next = Math.Clamp(next, lower, So101Joints.Upper[j]); Velocity[j] = 0; }
            Position[j] = next;
        }
    }
}
