using RobotHost.Recording;
using RobotHost.Rollout;

namespace RobotHost.Cli;

/// <summary>
/// Turns keys into recorder requests when stdin is a terminal: → or n next episode, ← or r re-record, Esc or q stop;
/// during a rollout also t (the person at the leader arm takes over, or hands back) and Space (e-stop).
/// With no terminal (a script, CI, a pipe) there is nothing to read and recording runs on its own.
/// </summary>
public sealed class KeyboardRecordControl : IDisposable
{
    private readonly RecordControl? _control;
    private readonly TakeoverSwitch? _takeover;
    private readonly Action? _emergencyStop;
    private readonly Thread _thread;
    private volatile bool _stopping;

    private KeyboardRecordControl(RecordControl? control, TakeoverSwitch? takeover, Action? emergencyStop)
    {
        _control = control;
        _takeover = takeover;
        _emergencyStop = emergencyStop;
        _thread = new Thread(ReadKeys) { IsBackground = true, Name = "record-keys" };
        _thread.Start();
    }

    /// <summary>Starts reading keys when stdin is an interactive terminal; null otherwise.</summary>
    public static KeyboardRecordControl? StartIfInteractive(RecordControl control) => StartIfInteractive(control, null, null);

    /// <summary>
    /// Starts reading keys when stdin is an interactive terminal; null otherwise. t flips <paramref name="takeover"/>;
    /// Space calls <paramref name="emergencyStop"/>, and so do q/Esc when there is no recording (<paramref name="control"/> null).
    /// </summary>
    public static KeyboardRecordControl? StartIfInteractive(RecordControl? control, TakeoverSwitch? takeover, Action? emergencyStop) =>
        Console.IsInputRedirected ? null : new KeyboardRecordControl(control, takeover, emergencyStop);

    /// <summary>Maps a key to a request (None for keys that mean nothing here).</summary>
    public static RecordRequest Map(ConsoleKeyInfo key) => key.Key switch
    {
        ConsoleKey.RightArrow or ConsoleKey.N => RecordRequest.NextEpisode,
        ConsoleKey.LeftArrow or ConsoleKey.R => RecordRequest.Rerecord,
        ConsoleKey.Escape or ConsoleKey.Q => RecordRequest.Stop,
        _ => RecordRequest.None,
    };

    private void ReadKeys()
    {
        try
        {
            while (!_stopping)
            {
                // Poll so the thread can end with the session; ReadKey alone would block until a key.
                if (!Console.KeyAvailable) { Thread.Sleep(30); continue; }
                var key = Console.ReadKey(intercept: true);
                if (_emergencyStop is not null && key.Key == ConsoleKey.Spacebar) { _emergencyStop(); continue; }
                if (_takeover is not null && key.Key == ConsoleKey.T)
                {
                    Console.Error.WriteLine(_takeover.Toggle() ? "\ntakeover: the leader arm drives (t hands back to the policy)" : "\nthe policy drives again (t takes over)");
                    continue;
                }
                switch (Map(key))
                {
                    case RecordRequest.NextEpisode: _control?.RequestNextEpisode(); break;
                    case RecordRequest.Rerecord: _control?.RequestRerecord(); break;
                    case RecordRequest.Stop when _control is null: _emergencyStop?.Invoke(); break;
                    case RecordRequest.Stop: _control.RequestStop(); break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // stdin stopped being a console (detached): recording continues without keys.
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stops reading keys.</summary>
    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromMilliseconds(200));
    }
}
