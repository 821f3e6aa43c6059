using RobotHost.Recording;

namespace RobotHost.Cli;

/// <summary>
/// Turns keys into recorder requests when stdin is a terminal: → or n next episode, ← or r re-record, Esc or q stop.
/// With no terminal (a script, CI, a pipe) there is nothing to read and recording runs on its own.
/// </summary>
public sealed class KeyboardRecordControl : IDisposable
{
    private readonly RecordControl _control;
    private readonly Thread _thread;
    private volatile bool _stopping;

    private KeyboardRecordControl(RecordControl control)
    {
        _control = control;
        _thread = new Thread(ReadKeys) { IsBackground = true, Name = "record-keys" };
        _thread.Start();
    }

    /// <summary>Starts reading keys when stdin is an interactive terminal; null otherwise.</summary>
    public static KeyboardRecordControl? StartIfInteractive(RecordControl control) =>
        Console.IsInputRedirected ? null : new KeyboardRecordControl(control);

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
                switch (Map(Console.ReadKey(intercept: true)))
                {
                    case RecordRequest.NextEpisode: _control.RequestNextEpisode(); break;
                    case RecordRequest.Rerecord: _control.RequestRerecord(); break;
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
