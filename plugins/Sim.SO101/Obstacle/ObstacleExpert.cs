namespace RobotHost.Plugins.Sim.SO101.Obstacle;

/// <summary>
/// The obstacle task's demonstrator, a driver meeting a tree in the road (docs/experiments/obstacle.md): it drives straight at the
/// obstacle, then at a branch height of 0.40–0.50 swerves to a side that alternates with the seed (even left, odd
/// right: any run of consecutive seeds is split exactly 50/50, as in the textbook example — with a random 54/46 draw a regression
/// policy simply follows the majority, which hides the averaging), passes
/// beside the obstacle and curves in to the goal. Up to the branch the left and right demonstrations are the same
/// drive, so the observation cannot tell which side comes next; the swerve comes late, so a car that keeps going
/// straight past the branch heights can no longer get round. It follows its planned path (straight trunk, then cubic
/// Béziers through a waypoint beside the obstacle) by pure pursuit: the steering rate that puts the car on the arc
/// through the path point one lookahead ahead.
/// </summary>
public sealed class ObstacleExpert
{
    private const int SamplesPerSegment = 200;
    private const double Lookahead = 0.15;
    private readonly List<(double X, double Y)> _points = [];
    private int _progress;

    /// <summary>−1 left, +1 right.</summary>
    public int Side { get; private set; }

    /// <summary>Height at which the planned path leaves the straight trunk.</summary>
    public double BranchY { get; private set; }

    /// <summary>The planned path, densely sampled.</summary>
    public IReadOnlyList<(double X, double Y)> Path => _points;

    /// <summary>Plans from the world's present start; <paramref name="forceSide"/> (−1/+1) overrides the seeded side.</summary>
    public void Plan(ObstacleWorld world, int? forceSide = null)
    {
        var rng = new Random(unchecked(world.Seed * 7919 + 15485863));
        Side = (world.Seed & 1) == 0 ? -1 : 1;
        if (forceSide is { } side) Side = Math.Sign(side);
        BranchY = 0.40 + 0.10 * rng.NextDouble();
        var wx = Side * (0.72 + 0.08 * rng.NextDouble());
        var wy = BranchY + 0.40 + 0.05 * rng.NextDouble();
        var (x0, y0) = (world.X, world.Y);
        var (gx, gy) = (ObstacleLayout.GoalX, ObstacleLayout.GoalY);

        _points.Clear();
        _progress = 0;
        for (var i = 0; i <= SamplesPerSegment; i++)
            _points.Add((x0, y0 + (BranchY - y0) * i / SamplesPerSegment));
        AddBezier((x0, BranchY), (x0, BranchY + 0.15), (wx, wy - 0.30), (wx, wy));
        AddBezier((wx, wy), (wx, wy + 0.30), (gx + Side * 0.25, gy - 0.15), (gx, gy));
        // Beyond the goal, straight on, so the pursuit point never runs out.
        for (var i = 1; i <= 20; i++) _points.Add((gx, gy + 0.02 * i));
    }

    private void AddBezier((double X, double Y) p0, (double X, double Y) p1, (double X, double Y) p2, (double X, double Y) p3)
    {
        for (var i = 1; i <= SamplesPerSegment; i++)
        {
            var s = i / (double)SamplesPerSegment;
            var u = 1 - s;
            double B(double a, double b, double c, double d) => u * u * u * a + 3 * u * u * s * b + 3 * u * s * s * c + s * s * s * d;
            _points.Add((B(p0.X, p1.X, p2.X, p3.X), B(p0.Y, p1.Y, p2.Y, p3.Y)));
        }
    }

    /// <summary>
    /// The steering rate (rad/s) for this tick. When the car is off the planned path (a learner drove it there), the
    /// expert plans again from where the car is and where it points, on the side of the obstacle the car is already on
    /// (its seeded side when still in the middle), so its label is the way to the goal from the present state.
    /// </summary>
    public float[] Action(ObstacleWorld world)
    {
        var best = NearestAhead(world);
        if (best > ReplanDistance)
        {
            Replan(world);
            best = NearestAhead(world);
        }
        var target = _points[^1];
        for (var i = _progress; i < _points.Count; i++)
            if (Distance(_points[i], (world.X, world.Y)) >= Lookahead) { target = _points[i]; break; }
        // Pure pursuit: curvature 2·sin(α)/L to the target at angle α from the heading; rate = speed × curvature.
        var bearing = Math.Atan2(target.X - world.X, target.Y - world.Y);
        var alpha = Math.IEEERemainder(bearing - world.Heading, 2 * Math.PI);
        var rate = ObstacleLayout.Speed * 2 * Math.Sin(alpha) / Lookahead;
        return [(float)Math.Clamp(rate, -ObstacleLayout.MaxTurnRate, ObstacleLayout.MaxTurnRate)];
    }

    private const double ReplanDistance = 0.05;

    /// <summary>Moves the progress mark to the nearest path point at or after it (the path never doubles back); returns its distance.</summary>
    private double NearestAhead(ObstacleWorld world)
    {
        var best = double.MaxValue;
        for (var i = _progress; i < Math.Min(_points.Count, _progress + 60); i++)
        {
            var d = Distance(_points[i], (world.X, world.Y));
            if (d < best) { best = d; _progress = i; }
        }
        return best;
    }

    private void Replan(ObstacleWorld world)
    {
        if (Math.Abs(world.X) > 0.05) Side = Math.Sign(world.X);
        var (x0, y0) = (world.X, world.Y);
        var ahead = (X: x0 + 0.15 * Math.Sin(world.Heading), Y: y0 + 0.15 * Math.Cos(world.Heading));
        var (gx, gy) = (ObstacleLayout.GoalX, ObstacleLayout.GoalY);
        _points.Clear();
        _progress = 0;
        _points.Add((x0, y0));
        if (y0 < ObstacleLayout.ObstacleCenterY + ObstacleLayout.ObstacleHalfHeight)
        {
            // Still before or beside the obstacle: out to a point beside it, then in to the goal.
            var wx = Side * 0.76;
            var wy = Math.Max(BranchY + 0.42, y0 + 0.25);
            AddBezier((x0, y0), ahead, (wx, wy - 0.25), (wx, wy));
            AddBezier((wx, wy), (wx, wy + 0.30), (gx + Side * 0.25, gy - 0.15), (gx, gy));
        }
        else
        {
            AddBezier((x0, y0), ahead, (gx + Side * 0.25, gy - 0.15), (gx, gy));
        }
        for (var i = 1; i <= 20; i++) _points.Add((gx, gy + 0.02 * i));
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
