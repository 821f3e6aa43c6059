namespace RobotHost.Evaluation;

/// <summary>
/// How smoothly the executed actions flow, at chunk boundaries against within a chunk: the step is the Euclidean norm
/// of a(t) − a(t−1) and the jerk the norm of the third difference a(t) − 3a(t−1) + 3a(t−2) − a(t−3), in the
/// environment's action units per tick. A step is a boundary step when a(t) is the first action of a new chunk; a
/// jerk is a boundary jerk when one of its three steps is. Ticks the robot held count as within-chunk steps.
/// </summary>
public sealed record ActionSmoothness
{
    /// <summary>Chunk boundaries crossed (the first chunk of a rollout is not one).</summary>
    public int Boundaries { get; init; }

    /// <summary>Mean jerk over windows that contain a boundary, or null without any.</summary>
    public double? BoundaryJerkMean { get; init; }

    /// <summary>Mean jerk over windows inside one chunk, or null without any.</summary>
    public double? WithinJerkMean { get; init; }

    /// <summary>Largest step at a boundary, or null without any.</summary>
    public double? BoundaryMaxStep { get; init; }

    /// <summary>Largest step inside a chunk, or null without any.</summary>
    public double? WithinMaxStep { get; init; }

    /// <summary>Jerk windows with a boundary (the weight of <see cref="BoundaryJerkMean"/> when rollouts are pooled).</summary>
    public int BoundaryJerkWindows { get; init; }

    /// <summary>Jerk windows inside one chunk.</summary>
    public int WithinJerkWindows { get; init; }

    /// <summary>The measures of one rollout's executed <paramref name="actions"/>, <paramref name="newChunk"/> marking each chunk's first action.</summary>
    public static ActionSmoothness Of(IReadOnlyList<float[]> actions, IReadOnlyList<bool> newChunk)
    {
        double? boundaryMax = null, withinMax = null;
        double boundaryJerk = 0, withinJerk = 0;
        int boundaryWindows = 0, withinWindows = 0, boundaries = 0;
        for (var t = 1; t < actions.Count; t++)
        {
            var step = Norm(actions[t].Length, i => actions[t][i] - actions[t - 1][i]);
            if (newChunk[t]) { boundaries++; boundaryMax = Math.Max(boundaryMax ?? 0, step); }
            else withinMax = Math.Max(withinMax ?? 0, step);
            if (t < 3) continue;
            var jerk = Norm(actions[t].Length, i => actions[t][i] - 3 * actions[t - 1][i] + 3 * actions[t - 2][i] - actions[t - 3][i]);
            if (newChunk[t] || newChunk[t - 1] || newChunk[t - 2]) { boundaryJerk += jerk; boundaryWindows++; }
            else { withinJerk += jerk; withinWindows++; }
        }
        return new ActionSmoothness
        {
            Boundaries = boundaries,
            BoundaryJerkMean = boundaryWindows > 0 ? boundaryJerk / boundaryWindows : null,
            WithinJerkMean = withinWindows > 0 ? withinJerk / withinWindows : null,
            BoundaryMaxStep = boundaryMax,
            WithinMaxStep = withinMax,
            BoundaryJerkWindows = boundaryWindows,
            WithinJerkWindows = withinWindows,
        };
    }

    /// <summary>Several rollouts pooled: means weighted by their windows, maxima over all.</summary>
    public static ActionSmoothness Pool(IEnumerable<ActionSmoothness> parts)
    {
        var list = parts.ToList();
        static double? Mean(IEnumerable<(double? Mean, int Count)> xs)
        {
            var n = xs.Sum(x => x.Mean is null ? 0 : x.Count);
            return n == 0 ? null : xs.Where(x => x.Mean is not null).Sum(x => x.Mean!.Value * x.Count) / n;
        }
        return new ActionSmoothness
        {
            Boundaries = list.Sum(s => s.Boundaries),
            BoundaryJerkMean = Mean(list.Select(s => (s.BoundaryJerkMean, s.BoundaryJerkWindows))),
            WithinJerkMean = Mean(list.Select(s => (s.WithinJerkMean, s.WithinJerkWindows))),
            BoundaryMaxStep = list.Max(s => s.BoundaryMaxStep),
            WithinMaxStep = list.Max(s => s.WithinMaxStep),
            BoundaryJerkWindows = list.Sum(s => s.BoundaryJerkWindows),
            WithinJerkWindows = list.Sum(s => s.WithinJerkWindows),
        };
    }

    private static double Norm(int n, Func<int, double> element)
    {
        var sum = 0.0;
        for (var i = 0; i < n; i++) { var v = element(i); sum += v * v; }
        return Math.Sqrt(sum);
    }

    /// <summary><c>max step at boundaries 0.80 vs within 0.10; mean jerk 0.50 vs 0.02</c>.</summary>
    public override string ToString()
    {
        static string F(double? v) => v is { } x ? x.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : "-";
        return $"max action step at chunk boundaries {F(BoundaryMaxStep)} vs within chunks {F(WithinMaxStep)}; mean jerk {F(BoundaryJerkMean)} vs {F(WithinJerkMean)} ({Boundaries} boundaries)";
    }
}
