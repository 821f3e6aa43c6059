using System.Diagnostics;

namespace RobotHost.Benchmarks;

/// <summary>Names the machine a figure was measured on, and small statistics helpers.</summary>
internal static class Machine
{
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException) { return "unknown CPU"; }
    }

    /// <summary>The p-th percentile (0–100) of samples.</summary>
    /// <summary>The repository root (the folder holding RobotHost.sln) above the running harness.</summary>
    /// <summary>The host as the CLI starts it, with this build's plugins only (artifacts/bin/plugins), its data in <paramref name="home"/>.</summary>
    public static HostSession StartHost(string home) => HostSession.Start(new HostOptions
    {
        Paths = new HostPaths(home),
        PluginDirectories = [Path.Combine(RepoRoot(), "artifacts", "bin", "plugins")],
        IncludeDefaultPluginDirectories = false,
    });

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RobotHost.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
    }

    /// <summary>Resident set size of this process in MB (native memory included, unlike the GC heap).</summary>
    public static double RssMb()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64 / 1048576.0;
    }

    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    /// <summary>Wall time of a child process in milliseconds.</summary>
    public static double TimeProcess(string file, string arguments, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return sw.Elapsed.TotalMilliseconds;
    }
}
