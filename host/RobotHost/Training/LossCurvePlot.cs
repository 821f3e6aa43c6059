namespace RobotHost.Training;

/// <summary>Writes the loss curve (raw and smoothed, log scale) as a PNG with ScottPlot, no display needed.</summary>
public static class LossCurvePlot
{
    /// <summary>Plots loss against step to <paramref name="path"/>.</summary>
    public static void Save(string path, string title, IReadOnlyList<long> steps, IReadOnlyList<double> losses)
    {
        var plot = new ScottPlot.Plot();
        if (steps.Count > 0)
        {
            var xs = steps.Select(s => (double)s).ToArray();
            // log10 so the 10×–1000× falls of imitation training stay readable.
            var raw = losses.Select(l => Math.Log10(Math.Max(l, 1e-12))).ToArray();
            var line = plot.Add.Scatter(xs, raw);
            line.LegendText = "loss";
            line.MarkerSize = 0;
            line.LineWidth = 1;
            line.Color = ScottPlot.Colors.LightBlue;
            var smoothed = new double[raw.Length];
            var alpha = 2.0 / (1 + Math.Max(2, raw.Length / 20));
            for (var i = 0; i < raw.Length; i++) smoothed[i] = i == 0 ? raw[0] : alpha * raw[i] + (1 - alpha) * smoothed[i - 1];
            var trend = plot.Add.Scatter(xs, smoothed);
            trend.LegendText = "smoothed";
            trend.MarkerSize = 0;
            trend.LineWidth = 2;
            trend.Color = ScottPlot.Colors.Navy;
            plot.ShowLegend();
        }
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("log10(loss)");
        plot.SavePng(path, 900, 500);
    }
}
