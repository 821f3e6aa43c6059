using System.Text;
using System.Text.Json;
using RobotHost.Evaluation;

namespace RobotHost.DatasetCheck;

/// <summary>The report as a terminal table, as Markdown and as JSON.</summary>
public static class ReportText
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Stable JSON (documented in docs/dataset-check.md).</summary>
    public static string ToJson(DatasetReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>For the terminal: one line per check, then the findings with their fixes.</summary>
    public static string ToText(DatasetReport report)
    {
        var text = new StringBuilder();
        text.AppendLine($"{report.Dataset}: {report.Episodes} episodes, {report.Frames} frames at {report.Fps} fps ({report.RobotType}) — {Label(report.Status)}");
        text.AppendLine();
        text.Append(TextTable.Format([["status", "check", "summary"], .. report.Checks.Select(c => (IReadOnlyList<string>)[Label(c.Status), c.Title, c.Summary])]));
        foreach (var check in report.Checks.Where(c => c.Findings.Count > 0))
        {
            text.AppendLine();
            text.AppendLine($"{Label(check.Status)} {check.Title}:");
            foreach (var f in check.Findings.Take(15)) text.AppendLine($"  - {f.Message}. Fix: {f.Fix}.");
            if (check.Findings.Count > 15) text.AppendLine($"  … and {check.Findings.Count - 15} more (see --json or --report)");
        }
        if (report.Plots.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("plots: " + string.Join(", ", report.Plots.Values.Select(Path.GetFileName)) + " in " + Path.GetDirectoryName(report.Plots.Values.First()));
        }
        return text.ToString();
    }

    /// <summary>A Markdown report with every finding and the plots linked.</summary>
    public static string ToMarkdown(DatasetReport report, string? relativeTo = null)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Dataset check: {Path.GetFileName(report.Dataset.TrimEnd('/'))} — {Label(report.Status)}");
        md.AppendLine();
        md.AppendLine($"`{report.Dataset}`: {report.Episodes} episodes, {report.Frames} frames at {report.Fps} fps, robot `{report.RobotType}`.");
        md.AppendLine();
        md.AppendLine("| status | check | summary |");
        md.AppendLine("|---|---|---|");
        foreach (var c in report.Checks) md.AppendLine($"| {Label(c.Status)} | {c.Title} | {c.Summary.Replace("|", "\\|")} |");
        foreach (var c in report.Checks.Where(c => c.Findings.Count > 0))
        {
            md.AppendLine();
            md.AppendLine($"## {Label(c.Status)} {c.Title}");
            foreach (var f in c.Findings) md.AppendLine($"- {f.Message}. **Fix:** {f.Fix}.");
        }
        if (report.Plots.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Plots");
            foreach (var (kind, path) in report.Plots)
                md.AppendLine($"![{kind}]({(relativeTo is null ? path : Path.GetRelativePath(relativeTo, path))})");
        }
        return md.ToString();
    }

    private static string Label(CheckStatus status) => status.ToString().ToUpperInvariant();
}
