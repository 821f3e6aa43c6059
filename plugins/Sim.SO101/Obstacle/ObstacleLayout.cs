namespace RobotHost.Plugins.Sim.SO101.Obstacle;

/// <summary>
/// Geometry of the 2-D obstacle task (lecture 1's tree in the path), in arena units: the arena is x ∈ [−1, 1],
/// y ∈ [0, 2]; the agent (a disc of radius 0.04) starts near (0, 0.2) and must reach the goal at (0, 1.8); a wide
/// rectangular obstacle sits in between, centred at (0, 1.0), 0.9 wide and 0.3 tall. The start spread (±0.15 in x)
/// is far narrower than the obstacle, so the average of a left and a right pass runs straight into it.
/// </summary>
public static class ObstacleLayout
{
    public const double ArenaHalfWidth = 1.0;
    public const double ArenaHeight = 2.0;
    public const double AgentRadius = 0.04;
    public const double ObstacleCenterX = 0.0, ObstacleCenterY = 1.0;
    public const double ObstacleHalfWidth = 0.45, ObstacleHalfHeight = 0.15;
    public const double GoalX = 0.0, GoalY = 1.8;
    /// <summary>Reached when the agent's centre is this close to the goal.</summary>
    public const double GoalRadius = 0.06;
    public const double StartY = 0.2, StartSpreadX = 0.15, StartSpreadY = 0.05;
    /// <summary>Largest move per tick (3 units/s at 30 fps): an action further away is approached at this speed.</summary>
    public const double MaxSpeed = 3.0;

    /// <summary>True when a disc of the agent's radius at (x, y) touches the obstacle.</summary>
    public static bool Touches(double x, double y)
    {
        var dx = Math.Max(Math.Abs(x - ObstacleCenterX) - ObstacleHalfWidth, 0);
        var dy = Math.Max(Math.Abs(y - ObstacleCenterY) - ObstacleHalfHeight, 0);
        return dx * dx + dy * dy < AgentRadius * AgentRadius;
    }
}
