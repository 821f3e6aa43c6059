namespace RobotHost.Rollout;

/// <summary>
/// Max step per tick (LeRobot's <c>max_relative_target</c>, applied by the host so every robot gets it):
/// a goal may move at most <c>maxStep</c> from the present position in one tick.
/// </summary>
public static class StepLimiter
{
    /// <summary>Clamps <paramref name="goal"/> in place towards <paramref name="present"/>; NaN present values leave that goal alone. Returns true when any value changed.</summary>
    public static bool Limit(float[] goal, ReadOnlySpan<float> present, float maxStep)
    {
        var limited = false;
        for (var i = 0; i < goal.Length; i++)
        {
            var p = present[i];
            if (!float.IsFinite(p)) continue;
            var clamped = Math.Clamp(goal[i], p - maxStep, p + maxStep);
            if (clamped != goal[i]) { goal[i] = clamped; limited = true; }
        }
        return limited;
    }
}
