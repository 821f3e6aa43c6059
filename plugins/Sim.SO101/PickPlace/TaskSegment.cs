using RobotHost.Plugins.Sim.SO101.Arm;

namespace RobotHost.Plugins.Sim.SO101.PickPlace;

/// <summary>
/// One stroke of a demonstration: a quadratic Bézier in task space from <see cref="From"/> to <see cref="To"/> bent
/// toward <see cref="Control"/>, timed by a minimum-jerk profile (Flash &amp; Hogan 1985: s = 10τ³ − 15τ⁴ + 6τ⁵),
/// which is how people's point-to-point hand motions look: bell-shaped speed, no jerks at either end.
/// </summary>
public sealed record TaskSegment(string Phase, double Duration, TaskPose From, TaskPose Control, TaskPose To)
{
    public static TaskSegment Straight(string phase, double duration, TaskPose from, TaskPose to) =>
        new(phase, duration, from, TaskPose.Lerp(from, to, 0.5), to);

    public static TaskSegment Hold(string phase, double duration, TaskPose at) => new(phase, duration, at, at, at);

    public static double MinimumJerk(double tau)
    {
        tau = Math.Clamp(tau, 0, 1);
        return tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
    }

    public TaskPose At(double time)
    {
        var s = Duration <= 0 ? 1 : MinimumJerk(time / Duration);
        var a = TaskPose.Lerp(From, Control, s);
        var b = TaskPose.Lerp(Control, To, s);
        return TaskPose.Lerp(a, b, s);
    }
}
