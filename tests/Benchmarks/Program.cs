using System.Diagnostics;
using RobotHost.Benchmarks;

// A small harness of measured scenarios; each prints a markdown table to paste into docs/benchmarks.md.
// Usage: dotnet run -c Release --project tests/Benchmarks -- <scenario|all>
var scenarios = Scenarios.All;
var name = args.FirstOrDefault() ?? "list";
if (name == "list")
{
    Console.WriteLine("scenarios: " + string.Join(", ", scenarios.Keys));
    return 0;
}
Console.WriteLine($"# machine: {Environment.MachineName}, {Environment.ProcessorCount} cores, {Machine.CpuModel()}, .NET {Environment.Version}");
foreach (var (key, run) in scenarios)
{
    if (name != "all" && name != key) continue;
    Console.WriteLine($"## {key}");
    var sw = Stopwatch.StartNew();
    run(args.Skip(1).ToArray());
    Console.WriteLine($"(scenario took {sw.Elapsed.TotalSeconds:F1} s)");
}
return 0;
