using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>The context handed to components: loggers, data directory and the operator console.</summary>
public sealed class HostPluginContext(ILoggerFactory loggerFactory, string dataDirectory, IOperatorConsole? operatorConsole = null) : IPluginContext
{
    /// <inheritdoc />
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <inheritdoc />
    public string DataDirectory { get; } = dataDirectory;

    /// <inheritdoc />
    public IOperatorConsole Operator { get; set; } = operatorConsole ?? new TerminalOperatorConsole();
}
