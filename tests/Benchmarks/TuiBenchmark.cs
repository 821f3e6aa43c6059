using RobotHost.Tests.Shared;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RobotHost.Benchmarks;

/// <summary>
/// Control-loop timing with the terminal UI open vs without it: the same simulated rig (sim_so101 + sim_expert +
/// sim_front 160×120, 30 Hz, real time), the same episodes, recorded once by <c>robothost record</c> and once by
/// <c>robothost tui</c> running in a real terminal (tmux, 80×24, the screen redrawing at 10 Hz), keys sent as an operator
/// would. Both runs are child processes of the built host; the loop figures come from the recorder's summary in each
/// run's log file. Runs alternate (without, with, without, with…) so a change in machine load hits both alike.
/// Args: [seconds per run=60] [pairs=2].
/// </summary>
internal static partial class TuiBenchmark
{
    private const int EpisodeSeconds = 5;

    public static void Run(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
        var pairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var repo = Machine.RepoRoot();
        var host = Path.Combine(repo, "artifacts", "bin", "robothost.dll");
        var plugins = Path.Combine(repo, "artifacts", "bin", "plugins");
        var episodes = Math.Max(1, seconds / EpisodeSeconds);
        var rig = $"--plugins '{plugins}' --episodes {episodes} --episode-time {EpisodeSeconds} --reset-time 0";
        var rows = new List<(string Mode, Stats Stats, string Load)>();
        for (var i = 0; i < pairs; i++)
        {
            var load = LoadAverage();
            rows.Add(("record (no TUI)", RecordWithoutTui(host, rig), load));
            load = LoadAverage();
            rows.Add(("tui (tmux 80×24)", RecordInTui(host, rig, episodes), load));
        }
        Console.WriteLine($"### loop timing, {episodes} episodes × {EpisodeSeconds} s per run (sim_so101 + sim_expert + sim_front 160×120, 30 Hz target 33.33 ms)");
        Console.WriteLine("| run | mode | load avg (1/5/15 min) at start | period p50 | period p99 | jitter p99 (p99 − target) | jitter (std) | max period | overruns / ticks |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < rows.Count; i++)
        {
            var (mode, s, load) = rows[i];
            Console.WriteLine(FormattableString.Invariant(
                $"| {i / 2 + 1} | {mode} | {load} | {s.P50:F2} ms | {s.P99:F2} ms | {s.P99 - s.Target:F2} ms | {s.Jitter:F2} ms | {s.Max:F2} ms | {s.Overruns} / {s.Ticks} |"));
        }
        foreach (var group in rows.GroupBy(r => r.Mode))
        {
            var list = group.Select(g => g.Stats).ToList();
            Console.WriteLine(FormattableString.Invariant(
                $"| mean | {group.Key} | | {list.Average(s => s.P50):F2} ms | {list.Average(s => s.P99):F2} ms | {list.Average(s => s.P99 - s.Target):F2} ms | {list.Average(s => s.Jitter):F2} ms | {list.Average(s => s.Max):F2} ms | {list.Sum(s => s.Overruns)} / {list.Sum(s => s.Ticks)} |"));
        }
    }

    private static Stats RecordWithoutTui(string host, string rig)
    {
        var home = Directory.CreateTempSubdirectory("rh-bench-tui-off").FullName;
        try
        {
            var start = new ProcessStartInfo("bash", ["-c", $"dotnet '{host}' record --robot sim_so101 --teleop sim_expert --cameras sim_front --camera-option width=160 --camera-option height=120 --root '{home}/ds' {rig}"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            start.Environment["ROBOTHOST_HOME"] = home;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"robothost record failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
            return ReadStats(home);
        }
        finally { Directory.Delete(home, recursive: true); }
    }

    private static Stats RecordInTui(string host, string rig, int episodes)
    {
        var home = Directory.CreateTempSubdirectory("rh-bench-tui-on").FullName;
        var name = $"rh-bench-tui-{Environment.ProcessId}";
        try
        {
            Tmux.Run("new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                $"ROBOTHOST_HOME='{home}' dotnet '{host}' tui --root '{home}/ds' {rig} 2>'{home}/stderr.txt'; echo EXITED $? > '{home}/exit.txt'");
            WaitForScreen(name, s => s.Contains("idle", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            Tmux.Run("send-keys", "-t", name, "g");
            WaitForScreen(name, s => s.Contains($"saved {episodes} episode(s)", StringComparison.Ordinal), TimeSpan.FromSeconds(EpisodeSeconds * episodes * 3 + 120));
            Tmux.Run("send-keys", "-t", name, "q");
            var sw = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(home, "exit.txt")) && sw.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(200);
            return ReadStats(home);
        }
        finally
        {
            try { Tmux.Run("kill-session", "-t", name); } catch (InvalidOperationException) { }
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>The last loop summary the recorder logged (see LoopStats.ToString).</summary>
    private static Stats ReadStats(string home)
    {
        var text = string.Join("\n", Directory.GetFiles(Path.Combine(home, "logs"), "robothost-*.log").Select(File.ReadAllText));
        var match = LoopLine().Matches(text).LastOrDefault() ?? throw new InvalidOperationException($"no loop summary in the log of {home}");
        double D(int i) => double.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture);
        return new Stats(1000.0 / D(1), D(2), D(3), D(4), D(5), long.Parse(match.Groups[6].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[7].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"\(target ([\d.]+)\), period p50 ([\d.]+) p99 ([\d.]+) max ([\d.]+) ms, jitter ([\d.]+) ms, body p50 [\d.]+ p99 [\d.]+ ms, overruns (\d+)/(\d+)")]
    private static partial Regex LoopLine();

    private sealed record Stats(double Target, double P50, double P99, double Max, double Jitter, long Overruns, long Ticks);

    private static string LoadAverage()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"{parts[0]} / {parts[1]} / {parts[2]}";
    }

    private static void WaitForScreen(string name, Func<string, bool> ok, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (ok(Tmux.Run("capture-pane", "-p", "-t", name))) return;
            Thread.Sleep(500);
        }
        throw new TimeoutException("the tui did not get there in time: " + Tmux.Run("capture-pane", "-p", "-t", name));
    }
}
