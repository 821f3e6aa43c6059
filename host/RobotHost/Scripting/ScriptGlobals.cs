using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using RobotHost.Evaluation;
using RobotHost.Plugins;

namespace RobotHost.Scripting;

/// <summary>
/// What a <c>.csx</c> script sees as globals: the host and its plugins, the record → train → evaluate steps, tables,
/// plots, arguments, paths, a logger and Ctrl+C. Designed for experimenters, like a LeRobot notebook:
/// <code>
/// var data = Record(new RecordOptions { EnvironmentKey = "pick_place", Root = Out("data"), Episodes = 50, Realtime = false });
/// var eval = Evaluate(new EvalOptions { Checkpoint = ckpt, Env = "pick_place", Episodes = 50, OutputDir = Out("eval") });
/// Table([eval]);
/// </code>
/// </summary>
public sealed partial class ScriptGlobals
{
    private readonly TextWriter _out;

    /// <summary>Globals for a script run in <paramref name="host"/>.</summary>
    public ScriptGlobals(HostSession host, string scriptFile, IReadOnlyList<string> args, CancellationToken cancel, TextWriter? output = null)
    {
        Host = host;
        ScriptFile = Path.GetFullPath(scriptFile);
        Args = new ScriptArgs(args);
        Cancel = cancel;
        _out = output ?? Console.Out;
        Log = host.CreateLogger("script:" + Path.GetFileName(scriptFile));
        OutDir = Path.GetFullPath(Path.Combine("out", Path.GetFileNameWithoutExtension(scriptFile)));
        Plot = new ScriptPlots(file => Out(file));
    }

    /// <summary>The running host: paths, plugins, logging.</summary>
    public HostSession Host { get; }

    /// <summary>Plugins by key: <c>Catalog.Keys(ComponentKind.Policy)</c>, <c>Catalog.CreateEnvironment("pick_place")</c>, <c>Catalog.Policy("act")</c>…</summary>
    public ComponentCatalog Catalog => Host.Catalog;

    /// <summary>The words after <c>--</c> on the command line, with <c>Args.Int("episodes", 50)</c>, <c>Args.Flag("quick")</c>.</summary>
    public ScriptArgs Args { get; }

    /// <summary>Cancelled by Ctrl+C: pass it on (Record, Train and Evaluate already do) or check it in long loops.</summary>
    public CancellationToken Cancel { get; }

    /// <summary>The script's logger (the host log file; the console too with <c>-v</c>).</summary>
    public ILogger Log { get; }

    /// <summary>Full path of the running script.</summary>
    public string ScriptFile { get; }

    /// <summary>Folder of the running script.</summary>
    public string ScriptDir => Path.GetDirectoryName(ScriptFile)!;

    /// <summary>Where results go; default <c>out/&lt;script name&gt;</c> under the working folder. Set it (or pass <c>--out DIR</c> and read it from Args).</summary>
    public string OutDir { get; set; }

    /// <summary>PNG plots: <c>Plot.Line("loss.png", "loss", series)</c>, <c>Plot.Bar(…)</c>.</summary>
    public ScriptPlots Plot { get; }

    /// <summary>A path under <see cref="OutDir"/> (parent folders created): <c>Out("eval", "act")</c>.</summary>
    public string Out(params string[] parts)
    {
        var path = Path.GetFullPath(Path.Combine([OutDir, .. parts]));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>A path relative to the script's folder: <c>Here("data/calib.json")</c>.</summary>
    public string Here(string relative) => Path.GetFullPath(Path.Combine(ScriptDir, relative));

    /// <summary>Prints a line to the script's output.</summary>
    public void Print(object? value = null) => _out.WriteLine(Convert.ToString(value, CultureInfo.InvariantCulture));

    /// <summary>
    /// Evaluates a checkpoint or policy on a simulated task (closed loop, held-out seeds from <see cref="EvalOptions.HeldOutSeedBase"/>):
    /// success rate with a 95% interval, per-condition breakdown, JSON, plots and videos in <see cref="EvalOptions.OutputDir"/>.
    /// </summary>
    public EvalResult Evaluate(EvalOptions options)
    {
        var stage = $"eval {options.Label ?? Path.GetFileName(options.Checkpoint?.TrimEnd('/')) ?? "policy"} on {options.Env}";
        var progress = Cli.StageProgress.ForStderr();
        var result = Evaluator.Evaluate(Host, options, Cli.StageProgress.Callback<EvalProgress>(p => progress.Report(stage, p.Completed, p.Total, "episodes", $"{p.Successes} successes")), Cancel);
        progress.Done(stage, $"{result.Successes}/{result.EpisodeCount} successes in {result.Seconds:F0} s");
        return result;
    }

    /// <summary>Prints (and returns) the per-condition table of one evaluation.</summary>
    public string Table(EvalResult result)
    {
        var text = EvalReport.ToTable(result);
        _out.Write(text);
        return text;
    }

    /// <summary>Prints (and returns) a comparison table of several evaluations (success, interval, reward, collisions, length, per condition).</summary>
    public string Table(IEnumerable<EvalResult> results, string? title = null)
    {
        var list = results.ToList();
        var conditions = list.SelectMany(r => r.ByCondition.Select(c => c.Condition)).Distinct().Order(StringComparer.Ordinal).ToList();
        var withCollisions = list.Any(r => r.Collisions is not null);
        var header = new List<string> { "policy", "success", "95% interval", "avg max reward", "mean length" };
        if (withCollisions) header.Add("collisions");
        header.AddRange(conditions);
        var rows = new List<IReadOnlyList<string>> { header };
        foreach (var r in list)
        {
            var row = new List<string>
            {
                r.Label, $"{r.SuccessRate:P0} ({r.Successes}/{r.EpisodeCount})", r.Interval.ToString(),
                r.AverageMaxReward.ToString("F3", CultureInfo.InvariantCulture), r.MeanLength.ToString("F0", CultureInfo.InvariantCulture),
            };
            if (withCollisions) row.Add(r.Collisions is { } c ? $"{(double)c / r.EpisodeCount:P0} ({c})" : "-");
            foreach (var condition in conditions)
            {
                var s = r.ByCondition.FirstOrDefault(x => x.Condition == condition);
                row.Add(s is null ? "-" : $"{s.Successes}/{s.Episodes}");
            }
            rows.Add(row);
        }
        return PrintTable(rows, title);
    }

    /// <summary>Prints (and returns) a table of any rows: one column per public property (anonymous types work).</summary>
    public string Table<T>(IEnumerable<T> rows, string? title = null)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
        var table = new List<IReadOnlyList<string>> { properties.Select(p => p.Name).ToList() };
        foreach (var row in rows) table.Add(properties.Select(p => Format(p.GetValue(row))).ToList());
        return PrintTable(table, title);
    }

    private string PrintTable(IReadOnlyList<IReadOnlyList<string>> rows, string? title)
    {
        var text = (title is null ? "" : title + Environment.NewLine) + TextTable.Format(rows);
        _out.Write(text);
        _out.WriteLine();
        return text;
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        float f => f.ToString("G4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
