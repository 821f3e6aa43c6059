namespace RobotHost.Plugins.Sim.SO101.Obstacle;

/// <summary>
/// The obstacle task's demonstrator: picks a side with probability ½ each (seeded), then follows a cubic Bézier from
/// the start around that side of the obstacle to the goal, timed by a minimum-jerk profile over 2.0–2.8 s.
/// Its action is the path point due at the next tick.
/// </summary>
public sealed class ObstacleExpert
{
    private double _x0, _y0, _cx, _c1y, _c2y, _duration;

    /// <summary>−1 left, +1 right.</summary>
    public int Side { get; private set; }

    /// <summary>Plans from the world's present start; <paramref name="forceSide"/> (−1/+1) overrides the seeded side.</summary>
    public void Plan(ObstacleWorld world, int? forceSide = null)
    {
        var rng = new Random(unchecked(world.Seed * 7919 + 15485863));
        Side = rng.NextDouble() < 0.5 ? -1 : 1;
        if (forceSide is { } side) Side = Math.Sign(side);
        _x0 = world.X;
        _y0 = world.Y;
        // Control points far enough out that the curve clears the obstacle's corners by ≥ 0.15 (checked in tests).
        _cx = Side * (0.95 + 0.15 * rng.NextDouble());
        _c1y = 0.65 + 0.15 * rng.NextDouble();
        _c2y = 1.25 + 0.15 * rng.NextDouble();
        _duration = 2.0 + 0.8 * rng.NextDouble();
    }

    public (double X, double Y) PointAt(double time)
    {
        var s = Math.Clamp(time / _duration, 0, 1);
        s = s * s * s * (10 - 15 * s + 6 * s * s);
        var u = 1 - s;
        var x = u * u * u * _x0 + 3 * u * u * s * _cx + 3 * u * s * s * _cx + s * s * s * ObstacleLayout.GoalX;
        var y = u * u * u * _y0 + 3 * u * u * s * _c1y + 3 * u * s * s * _c2y + s * s * s * ObstacleLayout.GoalY;
        return (x, y);
    }

    public float[] Action(ObstacleWorld world)
    {
        var (x, y) = PointAt((world.EpisodeTick + 1) / (double)world.Fps);
        return [(float)x, (float)y];
    }
}
