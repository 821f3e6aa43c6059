using System.CommandLine;
using RobotHost.DatasetCheck;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost dataset check DIR [--json] [--report FILE] [--ci [--fail-on warn]] [--video] [--out DIR]</c>:
/// PASS/WARN/FAIL per check, findings naming episodes, frames and the fix, and plots.
/// </summary>
public static class DatasetCheckCommand
{
    /// <summary>Exit code in CI mode when a check reached the failing level.</summary>
    public const int FindingsExitCode = 2;

    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var root = new Argument<string>("root") { Description = "Dataset folder (LeRobot v3.0 or v2.1)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (format in docs/dataset-check.md)" };
        var report = new Option<string?>("--report") { Description = "Also write a Markdown report to this file" };
        var ci = new Option<bool>("--ci") { Description = "Exit non-zero when a check fails (or warns, with --fail-on warn)" };
        var failOn = new Option<string>("--fail-on") { Description = "Level that fails in --ci mode: fail (default) or warn", DefaultValueFactory = _ => "fail" };
        failOn.AcceptOnlyFromAmong("fail", "warn");
        var video = new Option<bool>("--video") { Description = "Also decode the first and last video frame of every episode" };
        var output = new Option<string?>("--out") { Description = "Folder for the PNG plots (default: ./dataset-check/<dataset name>)" };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not write plots" };
        var chunk = new Option<int>("--chunk-size") { Description = "Action chunk of the policy you will train (episodes shorter than it are flagged)", DefaultValueFactory = _ => 30 };
        var command = new Command("check", "Check a dataset for the data problems that ruin policies: too few episodes, one spatial zone, idle frames, inconsistent technique, incomplete episodes, and recording hygiene")
        {
            root, json, report, ci, failOn, video, output, noPlots, chunk,
        };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            var dir = Path.GetFullPath(parse.GetValue(root)!);
            using var reader = session.Catalog.DatasetFormatFor(dir).Open(dir);
            var plots = parse.GetValue(noPlots) ? null
                : Path.GetFullPath(parse.GetValue(output) ?? Path.Combine("dataset-check", Path.GetFileName(dir.TrimEnd('/'))));
            var result = DatasetChecker.Check(reader, new DatasetCheckOptions { CheckVideo = parse.GetValue(video), PlotDirectory = plots, ChunkSize = parse.GetValue(chunk) });
            Console.WriteLine(parse.GetValue(json) ? ReportText.ToJson(result) : ReportText.ToText(result));
            if (parse.GetValue(report) is { } reportPath)
            {
                var full = Path.GetFullPath(reportPath);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, ReportText.ToMarkdown(result, Path.GetDirectoryName(full)));
            }
            if (!parse.GetValue(ci)) return 0;
            var threshold = parse.GetValue(failOn) == "warn" ? CheckStatus.Warn : CheckStatus.Fail;
            return result.Status >= threshold ? FindingsExitCode : 0;
        }));
        return command;
    }
}
