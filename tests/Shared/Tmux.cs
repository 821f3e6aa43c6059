using System.Diagnostics;

namespace RobotHost.Tests.Shared;

/// <summary>A real terminal for end-to-end tests of keys: tmux sessions, their screen, and keys sent to them.</summary>
internal static class Tmux
{
    /// <summary>Runs tmux with <paramref name="args"/>; its stdout, or an exception with its stderr.</summary>
    public static string Run(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {error}");
        return output;
    }

    /// <summary>The session's screen now (or why it could not be read).</summary>
    public static string Capture(string name)
    {
        try { return Run("capture-pane", "-p", "-t", name); }
        catch (InvalidOperationException e) { return e.Message; }
    }

    /// <summary>Polls the screen until <paramref name="ok"/> holds; the screen then, or null after <paramref name="timeout"/>.</summary>
    public static string? WaitForScreen(string name, Func<string, bool> ok, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            var screen = Capture(name);
            if (ok(screen)) return screen;
            Thread.Sleep(250);
        }
        return null;
    }
}
