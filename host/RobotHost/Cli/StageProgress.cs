using System.Diagnostics;
using System.Globalization;

namespace RobotHost.Cli;

/// <summary>
/// Progress of long work on stderr as a bar with rate and time left: rewritten in place on a terminal (a few times a
/// second), a plain line every few seconds and at each stage's end otherwise (CI, pipes). Rate and time left are
/// measured per stage, so a stage that restarts (a new round) starts its clock again.
/// </summary>
public sealed class StageProgress(TextWriter output, bool interactive)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string? _stage;
    private double _stageStart;
    private long _stageFirst;
    private double _lastPrint = double.NegativeInfinity;
    private bool _open;
    private readonly object _gate = new();

    /// <summary>For the process's stderr.</summary>
    public static StageProgress ForStderr() => new(Console.Error, !Console.IsErrorRedirected);

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> units of <paramref name="stage"/>.</summary>
    public void Report(string stage, long done, long total, string unit, string detail = "")
    {
        lock (_gate) Print(stage, done, total, unit, detail);
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    public static IProgress<T> Callback<T>(Action<T> report) => new SyncProgress<T>(report);

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private void Print(string stage, long done, long total, string unit, string detail)
    {
        var now = _clock.Elapsed.TotalSeconds;
        if (stage != _stage)
        {
            if (_open && interactive) output.WriteLine();
            _open = false;
            _stage = stage;
            _stageStart = now;
            _stageFirst = done;
            _lastPrint = double.NegativeInfinity;
        }
        var finished = total > 0 && done >= total;
        if (!finished && now - _lastPrint < (interactive ? 0.2 : 5)) return;
        _lastPrint = now;
        var elapsed = now - _stageStart;
        var rate = elapsed > 0 ? (done - _stageFirst) / elapsed : 0;
        var left = rate > 0 && total > done ? Format(TimeSpan.FromSeconds((total - done) / rate)) : finished ? Format(TimeSpan.Zero) : "--:--";
        var fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        var bar = new string('█', (int)(24 * fraction)).PadRight(24, '░');
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{stage,-18} {bar} {done}/{total} {unit}  {rate:F1} {unit}/s  left {left}{(detail.Length > 0 ? "  " + detail : "")}");
        if (interactive)
        {
            output.Write("\r" + line + "\u001b[K");
            _open = !finished;
            if (finished) output.WriteLine();
        }
        else output.WriteLine(line);
    }

    /// <summary>Ends a stage with a one-line summary (<c>stage: summary</c>) below its bar.</summary>
    public void Done(string stage, string summary)
    {
        lock (_gate)
        {
            Finish();
            output.WriteLine($"{stage}: {summary}");
            _stage = null;
        }
    }

    /// <summary>Ends an open line (call before printing results).</summary>
    public void Finish()
    {
        if (_open && interactive) output.WriteLine();
        _open = false;
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
