namespace RobotHost.Plugins.Sim.SO101.Obstacle;

/// <summary>
/// Geometry of the 2-D obstacle task (the classic tree in the road, docs/experiments/obstacle.md), in arena units: the arena is x ∈ [−1, 1],
/// y ∈ [0, 2]; the agent, a car (a disc of radius 0.04) that drives at a constant speed and can only steer, starts near
/// (0, 0.2) heading up and must reach the goal at (0, 1.8); a wide rectangular obstacle sits in between, centred at
/// (0, 1.0), 0.9 wide and 0.3 tall. The start spread (±0.05 in x) is far narrower than the obstacle, so "steer
/// straight", the average of "steer left" and "steer right", drives into it.
/// </summary>
public static class ObstacleLayout
{
    public const double ArenaHalfWidth = 1.0;
    public const double ArenaHeight = 2.0;
    public const double AgentRadius = 0.04;
    public const double ObstacleCenterX = 0.0, ObstacleCenterY = 1.0;
    public const double ObstacleHalfWidth = 0.45, ObstacleHalfHeight = 0.15;
    public const double GoalX = 0.0, GoalY = 1.8;
    /// <summary>Reached when the agent's centre is this close to the goal (a car at constant speed passes through, it cannot stop on a point).</summary>
    public const double GoalRadius = 0.12;
    public const double StartY = 0.2, StartSpreadX = 0.05, StartSpreadY = 0.05;
    /// <summary>The car's constant forward speed in units/s: it cannot stop and wait, only steer.</summary>
    public const double Speed = 1.0;
    /// <summary>Largest steering rate in rad/s (turning radius Speed/MaxTurnRate = 0.25); larger commands are clamped.</summary>
    public const double MaxTurnRate = 4.0;

    /// <summary>True when a disc of the agent's radius at (x, y) touches the obstacle.</summary>
    public static bool Touches(double x, double y) => Clearance(x, y) < 0;

    /// <summary>Gap between the agent's disc at (x, y) and the obstacle (negative when they overlap).</summary>
    public static double Clearance(double x, double y)
    {
        var dx = Math.Max(Math.Abs(x - ObstacleCenterX) - ObstacleHalfWidth, 0);
        var dy = Math.Max(Math.Abs(y - ObstacleCenterY) - ObstacleHalfHeight, 0);
        return Math.Sqrt(dx * dx + dy * dy) - AgentRadius;
    }
}
