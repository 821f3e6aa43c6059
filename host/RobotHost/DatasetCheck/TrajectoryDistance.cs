namespace RobotHost.DatasetCheck;

/// <summary>
/// Dynamic time warping between trajectories resampled to a fixed length: two demonstrations of the same technique at
/// different speeds are close; different techniques are far.
/// </summary>
public static class TrajectoryDistance
{
    /// <summary>Resamples a trajectory (frames × dims) to <paramref name="points"/> frames by linear interpolation, keeping only <paramref name="dims"/> scaled by <paramref name="scale"/>.</summary>
    public static double[][] Resample(float[][] trajectory, int points, IReadOnlyList<int> dims, IReadOnlyList<double> scale)
    {
        var result = new double[points][];
        for (var p = 0; p < points; p++)
        {
            var t = points == 1 ? 0 : p * (trajectory.Length - 1) / (double)(points - 1);
            var lo = (int)Math.Floor(t);
            var hi = Math.Min(lo + 1, trajectory.Length - 1);
            var w = t - lo;
            result[p] = dims.Select((d, i) => ((1 - w) * trajectory[lo][d] + w * trajectory[hi][d]) / scale[i]).ToArray();
        }
        return result;
    }

    /// <summary>DTW distance with a Sakoe–Chiba band, averaged over the path length.</summary>
    public static double Dtw(double[][] a, double[][] b, int band)
    {
        int n = a.Length, m = b.Length;
        var cost = new double[n + 1, m + 1];
        var steps = new int[n + 1, m + 1];
        for (var i = 0; i <= n; i++) for (var j = 0; j <= m; j++) cost[i, j] = double.PositiveInfinity;
        cost[0, 0] = 0;
        for (var i = 1; i <= n; i++)
        {
            for (var j = Math.Max(1, i - band); j <= Math.Min(m, i + band); j++)
            {
                double d = 0;
                for (var k = 0; k < a[i - 1].Length; k++) { var diff = a[i - 1][k] - b[j - 1][k]; d += diff * diff; }
                d = Math.Sqrt(d);
                var (best, bestSteps) = (cost[i - 1, j - 1], steps[i - 1, j - 1]);
                if (cost[i - 1, j] < best) (best, bestSteps) = (cost[i - 1, j], steps[i - 1, j]);
                if (cost[i, j - 1] < best) (best, bestSteps) = (cost[i, j - 1], steps[i, j - 1]);
                cost[i, j] = best + d;
                steps[i, j] = bestSteps + 1;
            }
        }
        return cost[n, m] / Math.Max(1, steps[n, m]);
    }

    /// <summary>Pairwise DTW distances.</summary>
    public static double[,] Matrix(IReadOnlyList<double[][]> trajectories, int band)
    {
        var n = trajectories.Count;
        var d = new double[n, n];
        Parallel.For(0, n, i =>
        {
            for (var j = i + 1; j < n; j++) d[i, j] = Dtw(trajectories[i], trajectories[j], band);
        });
        for (var i = 0; i < n; i++) for (var j = i + 1; j < n; j++) d[j, i] = d[i, j];
        return d;
    }

    /// <summary>Median of values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Median absolute deviation scaled to a standard deviation for normal data (×1.4826).</summary>
    public static double Mad(IReadOnlyCollection<double> values)
    {
        var median = Median(values);
        return 1.4826 * Median(values.Select(v => Math.Abs(v - median)));
    }
}
