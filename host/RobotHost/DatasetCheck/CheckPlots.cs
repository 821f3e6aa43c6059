using ScottPlot;

namespace RobotHost.DatasetCheck;

/// <summary>The check's pictures: where episodes start and grasp, joint traces with flagged spans shaded, episode lengths.</summary>
internal static class CheckPlots
{
    private const int MaxTracePlots = 6;

    public static IReadOnlyDictionary<string, string> Write(DatasetChecker.CheckContext c, IReadOnlyList<CheckResult> checks, string dir)
    {
        Directory.CreateDirectory(dir);
        var plots = new Dictionary<string, string>();
        if (c.Episodes.Count == 0) return plots;
        if (c.Gripper >= 0) plots["coverage"] = Coverage(c, Path.Combine(dir, "coverage.png"));
        plots["lengths"] = Lengths(c, Path.Combine(dir, "episode_lengths.png"));

        var flagged = checks.Where(k => k.Status > CheckStatus.Pass).SelectMany(k => k.Findings)
            .SelectMany(f => f.Episodes.Select((e, i) => (Episode: e, Span: i < f.Frames.Count ? f.Frames[i] : null)))
            .GroupBy(x => x.Episode).Take(MaxTracePlots).ToList();
        if (flagged.Count == 0) flagged = [new[] { (Episode: c.Episodes[0].Episode, Span: (int[]?)null) }.GroupBy(x => x.Episode).First()];
        foreach (var group in flagged)
        {
            var episode = c.Episodes.FirstOrDefault(e => e.Episode == group.Key);
            if (episode is null) continue;
            plots[$"traces_episode_{group.Key}"] = Traces(c, episode, group.Select(g => g.Span).OfType<int[]>().ToList(), Path.Combine(dir, $"traces_episode_{group.Key:D3}.png"));
        }
        return plots;
    }

    private const int PanelWidth = 600, PanelHeight = 520;

    /// <summary>
    /// Where episodes start and grasp, coloured by grasp zone: one panel per pair of the joints that place the hand
    /// (pan/lift, pan/elbow, lift/elbow on an SO-101), because zones are told apart in all of them at once and one
    /// projection can stack two zones on top of each other (two grasps at the same pan and elbow but a different lift).
    /// Zones are drawn largest first, so a small zone lands on top of a big one where they overlap.
    /// </summary>
    private static string Coverage(DatasetChecker.CheckContext c, string path)
    {
        var (zone, _) = DatasetChecker.GraspZones(c);
        var joints = c.BodyJoints(forPose: true).Take(3).ToList();
        if (joints.Count < 2) joints = Enumerable.Range(0, Math.Min(2, c.StateNames.Count)).ToList();
        var pairs = new List<(int X, int Y)>();
        for (var a = 0; a < joints.Count; a++)
            for (var b = a + 1; b < joints.Count; b++)
                pairs.Add((joints[a], joints[b]));
        if (pairs.Count == 0) pairs.Add((0, 0));
        var zones = Enumerable.Range(0, c.Episodes.Count).Where(e => c.GraspFrames[e] >= 0).GroupBy(e => zone[e])
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(PanelWidth * pairs.Count, PanelHeight));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        for (var k = 0; k < pairs.Count; k++)
        {
            var (x, y) = pairs[k];
            var plot = new Plot();
            var starts = plot.Add.ScatterPoints(c.Episodes.Select(e => (double)e.State[0][x]).ToArray(), c.Episodes.Select(e => (double)e.State[0][y]).ToArray());
            starts.Color = Colors.Gray;
            starts.MarkerShape = MarkerShape.OpenCircle;
            starts.MarkerSize = 8;
            starts.LegendText = "start";
            foreach (var group in zones)
            {
                var points = plot.Add.ScatterPoints(
                    group.Select(e => (double)c.Episodes[e].State[c.GraspFrames[e]][x]).ToArray(),
                    group.Select(e => (double)c.Episodes[e].State[c.GraspFrames[e]][y]).ToArray());
                points.Color = palette.GetColor(group.Key);
                points.MarkerSize = 9;
                points.LegendText = $"grasp, zone {group.Key + 1} ({group.Count()})";
            }
            if (k == 0) plot.ShowLegend(Alignment.UpperRight);
            else plot.HideLegend();
            plot.Title(k == 0 ? $"Where episodes start and grasp ({c.Episodes.Count} episodes)" : $"{Short(c.StateNames[x])} / {Short(c.StateNames[y])}");
            plot.XLabel(c.StateNames[x]);
            plot.YLabel(c.StateNames[y]);
            // Each panel on its own surface (a plot clears the whole canvas it renders on), then side by side.
            using var panel = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(PanelWidth, PanelHeight));
            plot.Render(panel);
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, k * PanelWidth, 0);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    private static string Short(string name) => name.Replace(".pos", "", StringComparison.Ordinal);

    private static string Lengths(DatasetChecker.CheckContext c, string path)
    {
        var plot = new Plot();
        var lengths = c.Episodes.Select(e => e.Length).ToList();
        var width = Math.Max(1, (lengths.Max() - lengths.Min()) / 20 + 1);
        var bins = lengths.GroupBy(l => (l - lengths.Min()) / width).OrderBy(g => g.Key)
            .Select(g => new Bar { Position = lengths.Min() + (g.Key + 0.5) * width, Value = g.Count(), Size = width * 0.9 }).ToList();
        plot.Add.Bars(bins);
        plot.Title("Episode lengths");
        plot.XLabel("frames");
        plot.YLabel("episodes");
        plot.SavePng(path, 800, 400);
        return path;
    }

    private static string Traces(DatasetChecker.CheckContext c, EpisodeSeries e, IReadOnlyList<int[]> spans, string path)
    {
        var plot = new Plot();
        var time = e.Timestamps.Length == e.Length ? e.Timestamps : Enumerable.Range(0, e.Length).Select(i => i / (double)c.Fps).ToArray();
        foreach (var span in spans)
        {
            var shade = plot.Add.HorizontalSpan(time[Math.Clamp(span[0], 0, e.Length - 1)], time[Math.Clamp(span[1], 0, e.Length - 1)] + 0.5 / c.Fps);
            shade.FillStyle.Color = Colors.OrangeRed.WithAlpha(0.25);
            shade.LineStyle.Width = 0;
        }
        var palette = new ScottPlot.Palettes.Category10();
        for (var j = 0; j < c.StateNames.Count; j++)
        {
            var line = plot.Add.Scatter(time, e.State.Select(s => (double)s[j]).ToArray());
            line.MarkerSize = 0;
            line.Color = palette.GetColor(j);
            line.LegendText = c.StateNames[j];
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title($"Episode {e.Episode}: joint positions" + (spans.Count > 0 ? " (flagged spans shaded)" : ""));
        plot.XLabel("time (s)");
        plot.YLabel("position (deg; gripper %)");
        plot.SavePng(path, 900, 450);
        return path;
    }
}
