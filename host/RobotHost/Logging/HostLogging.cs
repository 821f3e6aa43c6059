using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace RobotHost.Logging;

/// <summary>
/// The host's logging: always to a rolling file under the data directory, to the console (stderr) with <c>-v</c>,
/// and to any extra sink (the TUI log pane). Plugins get <see cref="ILoggerFactory"/> loggers routed here.
/// </summary>
public sealed class HostLogging : IDisposable
{
    private readonly Logger _logger;

    private HostLogging(Logger logger, string logFile)
    {
        _logger = logger;
        LogFile = logFile;
        LoggerFactory = new SerilogLoggerFactory(logger, dispose: false);
    }

    /// <summary>The Serilog logger.</summary>
    public Serilog.ILogger Logger => _logger;

    /// <summary>Microsoft.Extensions.Logging view of the same pipeline, handed to plugins.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Path pattern of the rolling log file (one file per day).</summary>
    public string LogFile { get; }

    /// <summary>Creates the pipeline.</summary>
    /// <param name="paths">Data directory.</param>
    /// <param name="consoleLevel">Level written to stderr, or null for none.</param>
    /// <param name="extraSink">Another sink, e.g. the TUI log pane.</param>
    public static HostLogging Create(HostPaths paths, LogEventLevel? consoleLevel, ILogEventSink? extraSink = null)
    {
        Directory.CreateDirectory(paths.LogDirectory);
        var logFile = Path.Combine(paths.LogDirectory, "robothost-.log");
        var config = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Enrich.FromLogContext()
            .WriteTo.File(logFile, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, shared: true,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        if (consoleLevel is { } level)
            config = config.WriteTo.Console(restrictedToMinimumLevel: level, standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:lj}{NewLine}");
        if (extraSink is not null)
            config = config.WriteTo.Sink(extraSink, LogEventLevel.Information);
        return new HostLogging(config.CreateLogger(), logFile);
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose()
    {
        LoggerFactory.Dispose();
        _logger.Dispose();
    }
}
