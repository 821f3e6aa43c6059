using System.Diagnostics;
using System.Globalization;

namespace RobotHost.Benchmarks;

/// <summary>
/// The fault soak (<see cref="FaultSoak"/>) for its full length: recording on two faulty virtual buses with a camera.
/// Args: [minutes=30] [markdown output file=soak.md]. Run it alone on an idle machine.
/// </summary>
internal static class SoakBenchmark
{
    public static void Run(string[] args)
    {
        var minutes = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        var output = args.Length > 1 ? args[1] : "soak.md";
        var home = Directory.CreateTempSubdirectory("rh-bench-soak").FullName;
        var options = new FaultSoakOptions
        {
            Home = home,
            PluginDirectory = Path.Combine(Machine.RepoRoot(), "artifacts", "bin", "plugins"),
            Duration = TimeSpan.FromMinutes(minutes),
        };
        var clock = Stopwatch.StartNew();
        var result = FaultSoak.Run(options, Console.WriteLine);
        var table = result.ToMarkdown(options, clock.Elapsed);
        Console.WriteLine(table);
        File.WriteAllText(output, table + Environment.NewLine);
        Console.WriteLine($"(table written to {Path.GetFullPath(output)})");
        Directory.Delete(home, recursive: true);
    }
}
