namespace RobotHost.Plugins.Sim.SO101.Obstacle;

/// <summary>
/// The 2-D obstacle task: a car that drives at <see cref="ObstacleLayout.Speed"/> and is steered, like the textbook example's
/// robot that "can steer left or right". Each tick the heading turns by the action's rate (clamped to
/// <see cref="ObstacleLayout.MaxTurnRate"/>) over 1/fps, then the car moves forward along it, clamped to the arena. A
/// move that would touch the obstacle is a crash: the car stays, the collision is counted and the episode ends.
/// Records on which side the car passed the obstacle.
/// </summary>
public sealed class ObstacleWorld(int fps = 30)
{
    public int Fps { get; } = fps;
    public double X { get; private set; }
    public double Y { get; private set; }
    /// <summary>Heading in radians from straight up (+y), positive toward +x.</summary>
    public double Heading { get; private set; }
    public int Collisions { get; private set; }
    /// <summary>−1 passed left of the obstacle (x &lt; 0), +1 right, 0 not yet past it.</summary>
    public int PassedSide { get; private set; }
    public bool GoalReached { get; private set; }
    public bool Crashed => Collisions > 0;
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
        Heading = 0;
        Collisions = 0;
        PassedSide = 0;
        GoalReached = false;
        EpisodeTick = 0;
        StartDistance = DistanceToGoal;
    }

    public double DistanceToGoal => Math.Sqrt((X - ObstacleLayout.GoalX) * (X - ObstacleLayout.GoalX) + (Y - ObstacleLayout.GoalY) * (Y - ObstacleLayout.GoalY));

    /// <summary>Steers at <paramref name="turnRate"/> rad/s for one tick and drives on; a non-finite command steers straight.</summary>
    public void Step(double turnRate)
    {
        if (!double.IsFinite(turnRate)) turnRate = 0;
        turnRate = Math.Clamp(turnRate, -ObstacleLayout.MaxTurnRate, ObstacleLayout.MaxTurnRate);
        Heading = Math.IEEERemainder(Heading + turnRate / Fps, 2 * Math.PI);
        var step = ObstacleLayout.Speed / Fps;
        var nx = Math.Clamp(X + step * Math.Sin(Heading), -ObstacleLayout.ArenaHalfWidth, ObstacleLayout.ArenaHalfWidth);
        var ny = Math.Clamp(Y + step * Math.Cos(Heading), 0, ObstacleLayout.ArenaHeight);
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

    /// <summary>1 on success; otherwise up to 0.5 for progress toward the goal, halved after a crash.</summary>
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
