using System.Diagnostics;
using RobotHost.Tests.Shared;

namespace RobotHost.Tests.Support;

/// <summary>The output of a finished <c>robothost</c> process.</summary>
internal sealed record HostRun(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the built <c>robothost</c> executable (artifacts/bin/robothost.dll, built with the test project) as a child
/// process with its own data directory, the way a user runs it.
/// </summary>
internal static class HostProcess
{
    /// <summary>Path of the host assembly.</summary>
    public static string HostDll => Path.Combine(RepoPaths.HostBinDirectory, "robothost.dll");

    /// <summary>Starts robothost with <paramref name="args"/>; ROBOTHOST_HOME points at <paramref name="home"/>.</summary>
    public static Process Start(string home, IEnumerable<string> args, bool redirectInput = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["ROBOTHOST_HOME"] = home;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs robothost to completion (or kills it after <paramref name="timeout"/> and fails).</summary>
    public static HostRun Run(string home, IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(home, args, environment: environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"robothost {string.Join(' ', args)} did not finish; stderr so far: {stderr.Result}");
        }
        return new HostRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
