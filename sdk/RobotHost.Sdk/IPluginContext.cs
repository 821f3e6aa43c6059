using Microsoft.Extensions.Logging;

namespace RobotHost.Sdk;

/// <summary>
/// What the host gives a component when it creates one. Plugins log here and never write to the console.
/// </summary>
public interface IPluginContext
{
    /// <summary>Loggers routed by the host to its log file and to the console or TUI log pane.</summary>
    ILoggerFactory LoggerFactory { get; }

    /// <summary>The host's data directory (default <c>~/.robothost</c>, or <c>ROBOTHOST_HOME</c>).</summary>
    string DataDirectory { get; }

    /// <summary>The person at the robot: prompts and guidance (calibration steps, find-port instructions).</summary>
    IOperatorConsole Operator { get; }
}
