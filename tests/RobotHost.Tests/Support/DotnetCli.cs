using System.Diagnostics;

namespace RobotHost.Tests.Support;

/// <summary>Runs the dotnet CLI (pack, new, build, test) from a test, isolated from the test host's MSBuild environment.</summary>
internal static class DotnetCli
{
    /// <summary>Runs <c>dotnet args</c> in <paramref name="workingDirectory"/>; throws with the output when it fails.</summary>
    public static string Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host runs under MSBuild-set variables that would steer a nested build; drop them.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("MSBuild", StringComparison.Ordinal) || k == "VSTEST_HOST_DEBUG").ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} timed out");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
