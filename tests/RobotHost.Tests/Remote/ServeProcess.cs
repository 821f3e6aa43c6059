using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Remote;

/// <summary>A <c>robothost serve</c> child process on a free loopback port, killed when disposed.</summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    public ServeProcess(string home, string checkpoint)
    {
        _process = HostProcess.Start(home, ["serve", "--checkpoint", checkpoint, "--port", "0", "--host", "127.0.0.1"]);
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { ready.TrySetException(new InvalidOperationException("robothost serve exited: " + Stderr)); return; }
            lock (_stderr) _stderr.AppendLine(e.Data);
            if (Serving().Match(e.Data) is { Success: true } m) ready.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        _process.BeginErrorReadLine();
        _process.StandardOutput.ReadToEndAsync();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("robothost serve did not start listening: " + Stderr);
        Port = ready.Task.Result;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Kills the server at once (SIGKILL): no goodbye to its clients.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    [GeneratedRegex(@"^serving \S+ on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Serving();
}
