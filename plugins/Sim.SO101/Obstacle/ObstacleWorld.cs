namespace RobotHost.Plugins.Sim.SO101.Obstacle;

/// <summary>
/// The 2-D obstacle task: a point agent moved by absolute target positions. Each tick the agent moves toward the
/// action's (x, y), at most <see cref="ObstacleLayout.MaxSpeed"/>/fps, clamped to the arena; a move that would touch the
/// obstacle is blocked (the agent stays) and counted as a collision. Records on which side the agent passed the obstacle.
/// </summary>
public sealed class ObstacleWorld(int fps = 30)
{
    public int Fps { get; } = fps;
    public double X { get; private set; }
    public double Y { get; private set; }
    public int Collisions { get; private set; }
    /// <summary>−1 passed left of the obstacle (x &lt; 0), +1 right, 0 not yet past it.</summary>
    public int PassedSide { get; private set; }
    public bool GoalReached { get; private set; }
    public bool Success => GoalReached && Collisions == 0;
    public int EpisodeTick { get; private set; }
    public int Seed { get; private set; }
    /// <summary>Distance from start to goal, for the shaped reward.</summary>
    public double StartDistance { get; private set; }

    public void Reset(int seed)
    {
        Seed = seed;
        var rng = new Random(seed);
        X = (rng.NextDouble() * 2 - 1) * ObstacleLayout.StartSpreadX;
        Y = ObstacleLayout.StartY + (rng.NextDouble() * 2 - 1) * ObstacleLayout.StartSpreadY;
        Collisions = 0;
        PassedSide = 0;
        GoalReached = false;
        EpisodeTick = 0;
        StartDistance = DistanceToGoal;
    }

    public double DistanceToGoal => Math.Sqrt((X - ObstacleLayout.GoalX) * (X - ObstacleLayout.GoalX) + (Y - ObstacleLayout.GoalY) * (Y - ObstacleLayout.GoalY));

    public void Step(double targetX, double targetY)
    {
        if (!double.IsFinite(targetX)) targetX = X;
        if (!double.IsFinite(targetY)) targetY = Y;
        var dx = targetX - X;
        var dy = targetY - Y;
        var distance = Math.Sqrt(dx * dx + dy * dy);
        var maxStep = ObstacleLayout.MaxSpeed / Fps;
        if (distance > maxStep) { dx *= maxStep / distance; dy *= maxStep / distance; }
        var nx = Math.Clamp(X + dx, -ObstacleLayout.ArenaHalfWidth, ObstacleLayout.ArenaHalfWidth);
        var ny = Math.Clamp(Y + dy, 0, ObstacleLayout.ArenaHeight);
        if (ObstacleLayout.Touches(nx, ny)) Collisions++;
        else
        {
            if (PassedSide == 0 && Y < ObstacleLayout.ObstacleCenterY && ny >= ObstacleLayout.ObstacleCenterY) PassedSide = nx < 0 ? -1 : 1;
            X = nx;
            Y = ny;
        }
        EpisodeTick++;
        if (DistanceToGoal <= ObstacleLayout.GoalRadius) GoalReached = true;
    }

    /// <summary>1 on success; otherwise up to 0.5 for progress toward the goal, halved after any collision.</summary>
    public float Reward
    {
        get
        {
            if (Success) return 1f;
            var progress = Math.Clamp(1 - DistanceToGoal / Math.Max(StartDistance, 1e-6), 0, 1) * 0.5;
            return (float)(Collisions > 0 ? progress / 2 : progress);
        }
    }
}
