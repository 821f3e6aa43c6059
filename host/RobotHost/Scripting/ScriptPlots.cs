using ScottPlot;

namespace RobotHost.Scripting;

/// <summary>
/// PNG plots for scripts (ScottPlot, no display needed). Relative file names go under the script's output folder.
/// Each method returns the full path written.
/// </summary>
public sealed class ScriptPlots(Func<string, string> resolve)
{
    /// <summary>Line plot of named series against their index (e.g. loss per step).</summary>
    public string Line(string file, string title, IReadOnlyDictionary<string, IReadOnlyList<double>> series, string xLabel = "step", string yLabel = "")
    {
        var plot = new Plot();
        foreach (var (name, ys) in series)
        {
            var line = plot.Add.Scatter(Enumerable.Range(0, ys.Count).Select(i => (double)i).ToArray(), ys.ToArray());
            line.MarkerSize = 0;
            line.LegendText = name;
        }
        if (series.Count > 1) plot.ShowLegend();
        return Save(plot, file, title, xLabel, yLabel);
    }

    /// <summary>Line plot of one series against given x values.</summary>
    public string Line(string file, string title, IReadOnlyList<double> xs, IReadOnlyList<double> ys, string xLabel = "", string yLabel = "") =>
        Lines(file, title, xs, new Dictionary<string, IReadOnlyList<double>> { [""] = ys }, xLabel, yLabel);

    /// <summary>Named series against shared x values (e.g. success per strategy against delay), with markers and a legend.</summary>
    public string Lines(string file, string title, IReadOnlyList<double> xs, IReadOnlyDictionary<string, IReadOnlyList<double>> series, string xLabel = "", string yLabel = "")
    {
        var plot = new Plot();
        // Ten colours repeat from the eleventh series on; twenty keep every line its own.
        if (series.Count > 10) plot.Add.Palette = new ScottPlot.Palettes.Category20();
        foreach (var (name, ys) in series)
        {
            if (ys.Count != xs.Count) throw new Sdk.RobotHostException($"line plot '{file}': series '{name}' has {ys.Count} values for {xs.Count} x values");
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            line.MarkerSize = series.Count > 1 ? 6 : 0;
            line.LegendText = name;
        }
        // Beside the plot, not over the lines it names.
        if (series.Count > 1) plot.ShowLegend(Edge.Right);
        return Save(plot, file, title, xLabel, yLabel, width: series.Count > 1 ? 1100 : 800);
    }

    /// <summary>Bar chart of labelled values.</summary>
    public string Bar(string file, string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, string yLabel = "")
    {
        if (labels.Count != values.Count) throw new Sdk.RobotHostException($"bar plot '{file}': {labels.Count} labels for {values.Count} values");
        var plot = new Plot();
        plot.Add.Bars(values.ToArray());
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        plot.Axes.Margins(bottom: 0);
        return Save(plot, file, title, "", yLabel);
    }

    /// <summary>
    /// Puts PNG images (e.g. each policy's trajectories.png) side by side in a grid of <paramref name="columns"/>, so
    /// results that belong together are read at one glance.
    /// </summary>
    public string Grid(string file, IReadOnlyList<string> images, int columns = 2)
    {
        if (images.Count == 0) throw new Sdk.RobotHostException($"grid '{file}': no images given");
        var bitmaps = images.Select(path => SkiaSharp.SKBitmap.Decode(path)
            ?? throw new Sdk.RobotHostException($"grid '{file}': '{path}' is not a readable PNG")).ToList();
        try
        {
            columns = Math.Clamp(columns, 1, bitmaps.Count);
            var rows = (bitmaps.Count + columns - 1) / columns;
            var (cellW, cellH) = (bitmaps.Max(b => b.Width), bitmaps.Max(b => b.Height));
            using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(cellW * columns, cellH * rows));
            surface.Canvas.Clear(SkiaSharp.SKColors.White);
            for (var i = 0; i < bitmaps.Count; i++)
                surface.Canvas.DrawBitmap(bitmaps[i], i % columns * cellW, i / columns * cellH);
            var path = resolve(file.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? file : file + ".png");
            using var image = surface.Snapshot();
            using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            using var stream = File.Create(path);
            data.SaveTo(stream);
            return path;
        }
        finally
        {
            foreach (var bitmap in bitmaps) bitmap.Dispose();
        }
    }

    private string Save(Plot plot, string file, string title, string xLabel, string yLabel, int width = 800)
    {
        var path = resolve(file.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? file : file + ".png");
        plot.Title(title);
        if (xLabel.Length > 0) plot.XLabel(xLabel);
        if (yLabel.Length > 0) plot.YLabel(yLabel);
        plot.SavePng(path, width, 500);
        return path;
    }
}
