using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Scripting;

namespace RobotHost.Benchmarks;

/// <summary>
/// Start-up of <c>robothost run</c> on a small script: cold (empty script cache: Roslyn compiles) versus cached
/// (the compiled assembly is loaded by content hash), as whole processes and in-process (compile/load only).
/// </summary>
internal static class ScriptStartupBenchmark
{
    private const string Script = """
        // A small experiment script: arguments, a table, a value.
        var n = Args.Int("n", 5);
        var rows = Enumerable.Range(1, n).Select(i => new { Episode = i, Reward = Math.Round(1.0 / i, 3) }).ToList();
        Table(rows, "rewards");
        Print($"mean reward {rows.Average(r => r.Reward):F3}");
        Print($"{Catalog.Keys(ComponentKind.Environment).Count} environments, {Catalog.Keys(ComponentKind.Policy).Count} policies");
        return 0;
        """;

    public static void Run(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 5;
        var root = Machine.RepoRoot();
        var dll = Path.Combine(root, "artifacts", "bin", "robothost.dll");
        var work = Directory.CreateTempSubdirectory("rh-bench-script").FullName;
        var script = Path.Combine(work, "small.csx");
        File.WriteAllText(script, Script);

        Machine.TimeProcess("dotnet", $"{dll} --version"); // warm the disk cache
        var bare = Enumerable.Range(0, runs).Select(_ => Machine.TimeProcess("dotnet", $"{dll} --version")).ToList();
        var cold = new List<double>();
        var cached = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // A fresh data directory per cold run: an empty script cache.
            var home = Path.Combine(work, $"home{i}");
            var env = new Dictionary<string, string> { ["ROBOTHOST_HOME"] = home };
            cold.Add(Machine.TimeProcess("dotnet", $"{dll} run {script}", env));
            cached.Add(Machine.TimeProcess("dotnet", $"{dll} run {script}", env));
        }

        // In-process: compile versus cache load of the same script (the Roslyn share of the above).
        var inCold = new List<double>();
        var inCached = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var host = new ScriptHost(Path.Combine(work, $"inproc{i}"), [], NullLogger.Instance);
            var sw = Stopwatch.StartNew();
            host.Compile(script);
            inCold.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var again = host.Compile(script);
            inCached.Add(sw.Elapsed.TotalMilliseconds);
            if (!again.FromCache) throw new InvalidOperationException("second compile missed the cache");
        }

        Console.WriteLine($"| measure ({runs} runs) | p50 | max |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| `robothost --version` process (baseline) | {Machine.Percentile(bare, 50):F0} ms | {bare.Max():F0} ms |");
        Console.WriteLine($"| `robothost run small.csx`, cold (empty script cache) | {Machine.Percentile(cold, 50):F0} ms | {cold.Max():F0} ms |");
        Console.WriteLine($"| `robothost run small.csx`, cached | {Machine.Percentile(cached, 50):F0} ms | {cached.Max():F0} ms |");
        Console.WriteLine($"| in-process compile (first in process: Roslyn JIT included) | {inCold[0]:F0} ms | |");
        Console.WriteLine($"| in-process compile (Roslyn warm) | {Machine.Percentile(inCold.Skip(1).ToList(), 50):F0} ms | {inCold.Skip(1).DefaultIfEmpty().Max():F0} ms |");
        Console.WriteLine($"| in-process cache load | {Machine.Percentile(inCached, 50):F1} ms | {inCached.Max():F1} ms |");
        Directory.Delete(work, true);
    }
}
