using Serilog.Core;
using Serilog.Events;

namespace RobotHost.Tui;

/// <summary>
/// Serilog sink that keeps the newest log lines in memory for the TUI's log pane. Emit is called from any thread
/// (the control loop logs too), so it only formats and enqueues under a short lock; the UI copies on its own timer.
/// </summary>
public sealed class LogRingSink : ILogEventSink
{
    private readonly Queue<string> _lines = new();
    private readonly int _capacity;
    private readonly Lock _gate = new();

    /// <summary>Keeps the newest <paramref name="capacity"/> lines.</summary>
    public LogRingSink(int capacity = 200) => _capacity = Math.Max(1, capacity);

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        var level = logEvent.Level switch
        {
            LogEventLevel.Verbose => "VRB", LogEventLevel.Debug => "DBG", LogEventLevel.Information => "INF",
            LogEventLevel.Warning => "WRN", LogEventLevel.Error => "ERR", _ => "FTL",
        };
        var line = $"{logEvent.Timestamp:HH:mm:ss} {level} {logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)}";
        if (logEvent.Exception is not null) line += $" ({logEvent.Exception.GetType().Name}: {logEvent.Exception.Message})";
        lock (_gate)
        {
            _lines.Enqueue(line.ReplaceLineEndings(" "));
            while (_lines.Count > _capacity) _lines.Dequeue();
        }
    }

    /// <summary>The newest <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Tail(int count)
    {
        lock (_gate) return _lines.Skip(Math.Max(0, _lines.Count - count)).ToList();
    }
}
