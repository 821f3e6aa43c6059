using ScottPlot;

namespace RobotHost.Evaluation;

/// <summary>PNG plots of an evaluation (ScottPlot renders without a display).</summary>
public static class EvalPlots
{
    /// <summary>Bar chart of the success rate per condition with its Wilson interval as error bars.</summary>
    public static string SuccessByCondition(EvalResult result, string path)
    {
        var plot = new Plot();
        var conditions = result.ByCondition;
        var bars = conditions.Select((c, i) => new Bar
        {
            Position = i,
            Value = c.SuccessRate * 100,
            FillColor = Colors.SteelBlue,
            Label = $"{c.Successes}/{c.Episodes}",
        }).ToList();
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 12;
        var errors = plot.Add.ErrorBar(
            conditions.Select((_, i) => (double)i).ToArray(),
            conditions.Select(c => c.SuccessRate * 100).ToArray(),
            conditions.Select(c => (c.SuccessRate - c.Interval.Low) * 100).ToArray());
        // The Wilson interval is not symmetric around the rate.
        errors.YErrorPositive = conditions.Select(c => (c.Interval.High - c.SuccessRate) * 100).ToArray();
        errors.Color = Colors.Black;
        plot.Axes.Bottom.SetTicks(conditions.Select((_, i) => (double)i).ToArray(), conditions.Select(c => c.Condition).ToArray());
        plot.Axes.SetLimitsY(0, 110);
        plot.Axes.SetLimitsX(-0.6, Math.Max(0.6, conditions.Count - 0.4));
        plot.Title($"{result.Label} on {result.Env}: {result.SuccessRate:P0} success ({result.Successes}/{result.EpisodeCount})");
        plot.YLabel("success % (95% Wilson interval)");
        plot.XLabel("condition");
        plot.SavePng(path, 800, 500);
        return path;
    }

    /// <summary>Every rollout's x/y path overlaid: successes green, failures red, collisions dashed.</summary>
    public static string Trajectories(EvalResult result, string path)
    {
        var plot = new Plot();
        bool successLabelled = false, failureLabelled = false;
        foreach (var episode in result.Episodes.Where(e => e.Trajectory.Count > 1))
        {
            var xs = episode.Trajectory.Select(p => (double)p.X).ToArray();
            var ys = episode.Trajectory.Select(p => (double)p.Y).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
            line.Color = (episode.Success ? Colors.ForestGreen : Colors.Crimson).WithAlpha(0.45);
            if (episode.Collided) line.LinePattern = LinePattern.Dashed;
            if (episode.Success && !successLabelled) { line.LegendText = "success"; successLabelled = true; }
            if (!episode.Success && !failureLabelled) { line.LegendText = "failure"; failureLabelled = true; }
        }
        plot.Axes.SquareUnits();
        plot.ShowLegend();
        var collisions = result.Collisions is { } c ? $", {c} collided" : "";
        plot.Title($"{result.Label} on {result.Env}: {result.SuccessRate:P0} success{collisions}");
        plot.XLabel("x");
        plot.YLabel("y");
        plot.SavePng(path, 700, 700);
        return path;
    }
}
