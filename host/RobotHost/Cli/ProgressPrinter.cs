using RobotHost.Recording;

namespace RobotHost.Cli;

/// <summary>
/// Prints recording progress on stderr from its own thread, so a slow terminal or pipe never stalls the control loop.
/// On a terminal: one line rewritten in place a few times a second. Otherwise: a line per phase change and per saved episode.
/// </summary>
public sealed class ProgressPrinter : IProgress<RecordProgress>, IRecordNotices, IDisposable
{
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _notices = new();
    private RecordProgress? _latest;
    private RecordProgress? _printed;
    private int _disposed;

    /// <summary>Starts printing to <paramref name="output"/>.</summary>
    public ProgressPrinter(TextWriter output, bool interactive)
    {
        _output = output;
        _interactive = interactive;
        _thread = new Thread(Print) { IsBackground = true, Name = "record-progress" };
        _thread.Start();
    }

    /// <inheritdoc />
    public void Report(RecordProgress value) => Volatile.Write(ref _latest, value);

    /// <inheritdoc />
    public void Notice(string message) => _notices.Enqueue(message);

    private void Print()
    {
        while (!_stop.Wait(_interactive ? 200 : 100)) Flush();
        Flush();
        if (_interactive && _printed is not null) _output.WriteLine();
    }

    private void Flush()
    {
        // Notices (the check's findings on a saved episode) each get a line of their own, above the progress line.
        while (_notices.TryDequeue(out var notice))
        {
            if (!_interactive) { _output.WriteLine(notice); continue; }
            _output.WriteLine("\r" + notice + "\u001b[K");
            _printed = null; // the progress line was overwritten: draw it again
        }
        var latest = Volatile.Read(ref _latest);
        if (latest is null || ReferenceEquals(latest, _printed)) return;
        if (_interactive)
        {
            _output.Write("\r" + latest + "\u001b[K");
        }
        else
        {
            var previous = _printed;
            if (previous is not null && latest.SavedEpisodes > previous.SavedEpisodes)
                _output.WriteLine($"saved {latest.SavedEpisodes} episode(s) of {latest.Episodes}");
            if (previous is null || previous.Phase != latest.Phase || previous.EpisodeIndex != latest.EpisodeIndex)
                _output.WriteLine(latest.ToString());
        }
        _output.Flush();
        _printed = latest;
    }

    /// <summary>Prints the last state and stops.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
