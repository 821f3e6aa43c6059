namespace RobotHost.Tui;

/// <summary>
/// A one-line chart in Unicode block characters (▁▂▃▄▅▆▇█), as used for the training loss. Longer series are averaged
/// into one bucket per cell so the whole run always fits; positive series are drawn on a log scale because a loss
/// falls by orders of magnitude and a linear scale would flatten everything after the first steps.
/// </summary>
public static class Sparkline
{
    /// <summary>The eight levels, lowest first.</summary>
    public const string Levels = "▁▂▃▄▅▆▇█";

    /// <summary>At most <paramref name="width"/> cells for <paramref name="values"/>; non-finite values draw as a space.</summary>
    public static string Render(IReadOnlyList<double> values, int width)
    {
        if (values.Count == 0 || width <= 0) return "";
        var cells = Math.Min(width, values.Count);
        var buckets = new double[cells];
        for (var c = 0; c < cells; c++)
        {
            // Bucket c covers values [from, to): every value lands in exactly one bucket, the last bucket ends at the newest.
            var from = (int)((long)c * values.Count / cells);
            var to = (int)((long)(c + 1) * values.Count / cells);
            double sum = 0;
            var n = 0;
            for (var i = from; i < to; i++)
            {
                if (!double.IsFinite(values[i])) continue;
                sum += values[i];
                n++;
            }
            buckets[c] = n > 0 ? sum / n : double.NaN;
        }
        var finite = buckets.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return new string(' ', cells);
        var log = finite.All(v => v > 0);
        double Scale(double v) => log ? Math.Log(v) : v;
        var min = finite.Min(Scale);
        var max = finite.Max(Scale);
        var chars = new char[cells];
        for (var c = 0; c < cells; c++)
        {
            if (!double.IsFinite(buckets[c])) { chars[c] = ' '; continue; }
            var t = max > min ? (Scale(buckets[c]) - min) / (max - min) : 0.5;
            chars[c] = Levels[(int)Math.Round(t * (Levels.Length - 1))];
        }
        return new string(chars);
    }
}
