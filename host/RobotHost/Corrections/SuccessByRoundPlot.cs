namespace RobotHost.Corrections;

/// <summary>Held-out success by correction round as a PNG (ScottPlot, no display needed), with 95% intervals as error bars.</summary>
public static class SuccessByRoundPlot
{
    /// <summary>Plots the rounds' success rates to <paramref name="path"/>.</summary>
    public static void Save(string path, string title, IReadOnlyList<DaggerRound> rounds)
    {
        var plot = new ScottPlot.Plot();
        var xs = rounds.Select(r => (double)r.Round).ToArray();
        var ys = rounds.Select(r => 100 * r.SuccessRate).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = "held-out success";
        line.MarkerSize = 8;
        line.LineWidth = 2;
        var low = rounds.Select(r => 100 * (r.SuccessRate - r.Evaluation.Interval.Low)).ToArray();
        var high = rounds.Select(r => 100 * (r.Evaluation.Interval.High - r.SuccessRate)).ToArray();
        var bars = plot.Add.ErrorBar(xs, ys, low);
        bars.YErrorPositive = high; // the Wilson interval is not symmetric around the rate
        bars.Color = line.Color;
        plot.Axes.SetLimitsY(0, 105);
        plot.Axes.SetLimitsX(-0.3, Math.Max(1, rounds.Count - 1) + 0.3);
        plot.Axes.Bottom.SetTicks(xs, rounds.Select(r => r.Round.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Title(title);
        plot.XLabel("correction round (0 = before corrections)");
        plot.YLabel("success, % (95% interval)");
        plot.SavePng(path, 800, 450);
    }
}
