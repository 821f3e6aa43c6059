using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Plugins;

namespace RobotHost.Benchmarks;

/// <summary>Host start-up (a whole `robothost plugins --json` process) and plugin load time for the bundled plugins.</summary>
internal static class StartupBenchmark
{
    public static void Run(string[] args)
    {
        var root = Machine.RepoRoot();
        var dll = Path.Combine(root, "artifacts", "bin", "robothost.dll");
        var pluginDir = Path.Combine(root, "artifacts", "bin", "plugins");
        var home = Directory.CreateTempSubdirectory("rh-bench").FullName;
        var env = new Dictionary<string, string> { ["ROBOTHOST_HOME"] = home };
        Machine.TimeProcess("dotnet", $"{dll} plugins --json", env); // warm the disk cache
        var runs = Enumerable.Range(0, 5).Select(_ => Machine.TimeProcess("dotnet", $"{dll} plugins --json", env)).ToList();
        var bare = Enumerable.Range(0, 5).Select(_ => Machine.TimeProcess("dotnet", $"{dll} --version", env)).ToList();

        var loads = new List<double>();
        var count = 0;
        for (var i = 0; i < 5; i++)
        {
            // Each pass loads into fresh load contexts, as a new process would.
            var host = new PluginHost([pluginDir], NullLoggerFactory.Instance);
            var sw = Stopwatch.StartNew();
            host.LoadAll();
            loads.Add(sw.Elapsed.TotalMilliseconds);
            count = host.Loaded.Count;
        }
        Console.WriteLine("| measure | p50 | max |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| `robothost --version` process (no plugins) | {Machine.Percentile(bare, 50):F0} ms | {bare.Max():F0} ms |");
        Console.WriteLine($"| `robothost plugins --json` process ({count} plugins) | {Machine.Percentile(runs, 50):F0} ms | {runs.Max():F0} ms |");
        Console.WriteLine($"| load {count} plugins in-process (first pass cold) | {Machine.Percentile(loads, 50):F1} ms | {loads.Max():F1} ms |");
        Console.WriteLine($"| per plugin | {Machine.Percentile(loads, 50) / Math.Max(1, count):F1} ms | |");
        Directory.Delete(home, true);
    }
}
