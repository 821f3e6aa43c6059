using Microsoft.Extensions.Logging;
using RobotHost.Logging;
using RobotHost.Plugins;
using Serilog.Core;
using Serilog.Events;

namespace RobotHost;

/// <summary>
/// One running host: paths, logging, plugins and the component catalog. Commands, scripts and the TUI all start here.
/// </summary>
public sealed class HostSession : IDisposable
{
    private HostSession(HostPaths paths, HostLogging logging, PluginHost plugins, HostPluginContext context)
    {
        Paths = paths;
        Logging = logging;
        Plugins = plugins;
        Context = context;
        Catalog = new ComponentCatalog(plugins, context);
    }

    /// <summary>Data, log and plugin locations.</summary>
    public HostPaths Paths { get; }

    /// <summary>Logging pipeline.</summary>
    public HostLogging Logging { get; }

    /// <summary>Loaded plugins and failures.</summary>
    public PluginHost Plugins { get; }

    /// <summary>Context given to components.</summary>
    public HostPluginContext Context { get; }

    /// <summary>Creates components by key.</summary>
    public ComponentCatalog Catalog { get; }

    /// <summary>A logger for host code.</summary>
    public ILogger CreateLogger(string category) => Logging.LoggerFactory.CreateLogger(category);

    /// <summary>Starts a host: logging first, then every plugin folder in the plugin directories.</summary>
    /// <param name="options">Verbosity, extra plugin directories, extra log sink.</param>
    public static HostSession Start(HostOptions options)
    {
        var paths = options.Paths ?? HostPaths.FromEnvironment();
        var logging = HostLogging.Create(paths, options.ConsoleLogLevel, options.ExtraLogSink);
        var plugins = new PluginHost(options.IncludeDefaultPluginDirectories ? paths.PluginDirectories(options.PluginDirectories) : options.PluginDirectories.Select(Path.GetFullPath), logging.LoggerFactory);
        var context = new HostPluginContext(logging.LoggerFactory, paths.Home);
        var session = new HostSession(paths, logging, plugins, context);
        var log = session.CreateLogger("RobotHost");
        log.LogDebug("RobotHost {Version} starting; data {Home}; plugin directories {Dirs}", typeof(HostSession).Assembly.GetName().Version, paths.Home, string.Join(", ", plugins.Directories));
        plugins.LoadAll();
        foreach (var failure in plugins.Failures) log.LogWarning("{Message}", failure.Message);
        return session;
    }

    /// <summary>Flushes logs.</summary>
    public void Dispose() => Logging.Dispose();
}

/// <summary>How to start a <see cref="HostSession"/>.</summary>
public sealed record HostOptions
{
    /// <summary>Data directory; default from the environment.</summary>
    public HostPaths? Paths { get; init; }

    /// <summary>Level written to the console (stderr), or null for file only.</summary>
    public LogEventLevel? ConsoleLogLevel { get; init; }

    /// <summary>Extra plugin directories (<c>--plugins</c>).</summary>
    public IReadOnlyList<string> PluginDirectories { get; init; } = [];

    /// <summary>Also search the plugin folder beside the executable and <c>~/.robothost/plugins</c>.</summary>
    public bool IncludeDefaultPluginDirectories { get; init; } = true;

    /// <summary>Another log sink (the TUI log pane).</summary>
    public ILogEventSink? ExtraLogSink { get; init; }
}
