using System.Runtime.InteropServices;

namespace RobotHost.Cli;

/// <summary>
/// How a command hears "stop": the first Ctrl+C (SIGINT), SIGTERM or SIGHUP (the terminal closed) cancels
/// <see cref="Token"/> so the command ends through its own path (torque off, episodes saved, checkpoint written);
/// a second one is left to the default action and ends the process.
/// <para>
/// A process started in the background by a non-interactive shell (<c>cmd &amp;</c> in a script, <c>nohup</c>)
/// inherits SIGINT as ignored, and .NET keeps it ignored: Ctrl+C and <c>kill -INT</c> then do nothing at all.
/// <see cref="InterruptIgnored"/> tells, so commands that move motors can say so before they start.
/// </para>
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly bool _announce;
    private string? _reason;

    /// <summary>Listens for SIGINT, SIGTERM and SIGHUP; with <paramref name="announce"/>, the first one prints "cancelling…".</summary>
    public StopSignals(bool announce = false)
    {
        _announce = announce;
        InterruptIgnored = IsIgnored(Sigint);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, "Ctrl+C")),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, "SIGTERM")),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => OnSignal(c, "SIGHUP (terminal closed)")),
        ];
    }

    /// <summary>Cancelled by the first stop signal or by <see cref="Stop"/>.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>True once a stop was asked for.</summary>
    public bool IsStopping => _cancel.IsCancellationRequested;

    /// <summary>What asked for the stop first ("Ctrl+C", "SIGTERM", "e-stop key"…); null while running.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>True when this process inherited SIGINT as ignored (Ctrl+C cannot reach it; SIGTERM still can).</summary>
    public bool InterruptIgnored { get; }

    /// <summary>The warning to show before moving motors when <see cref="InterruptIgnored"/>; null otherwise.</summary>
    public string? InterruptWarning => InterruptIgnored
        ? $"SIGINT is ignored in this process (started in the background by a script or nohup): Ctrl+C will not stop it; stop it with `kill {Environment.ProcessId}` (SIGTERM) — torque still goes off"
        : null;

    /// <summary>Asks for a stop from code (an e-stop key, a failed check); the first reason is kept.</summary>
    public void Stop(string reason)
    {
        Interlocked.CompareExchange(ref _reason, reason, null);
        _cancel.Cancel();
    }

    private void OnSignal(PosixSignalContext context, string reason)
    {
        if (IsStopping) return; // second signal: the default action ends the process
        context.Cancel = true;
        if (_announce) Console.Error.WriteLine($"cancelling… ({reason}; again to kill)");
        Stop(reason);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }

    private const int Sigint = 2;

    /// <summary>Reads a signal's disposition with sigaction(2): the handler is the struct's first field on Linux and macOS.</summary>
    private static bool IsIgnored(int signal)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return false;
        var action = new byte[256]; // larger than struct sigaction on every Unix .NET runs on
        try
        {
            return QueryAction(signal, IntPtr.Zero, action) == 0 && (IntPtr.Size == 8 ? BitConverter.ToInt64(action, 0) : BitConverter.ToInt32(action, 0)) == 1; // SIG_IGN
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static extern int QueryAction(int signal, IntPtr newAction, byte[] oldAction);
}
