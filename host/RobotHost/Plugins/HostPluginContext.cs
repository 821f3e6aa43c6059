using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>The context handed to components: loggers, data directory and shared services.</summary>
public sealed class HostPluginContext(ILoggerFactory loggerFactory, string dataDirectory, IOperatorConsole? operatorConsole = null) : IPluginContext
{
    private readonly Dictionary<Type, object> _services = [];

    /// <inheritdoc />
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <inheritdoc />
    public string DataDirectory { get; } = dataDirectory;

    /// <inheritdoc />
    public IOperatorConsole Operator { get; set; } = operatorConsole ?? new TerminalOperatorConsole();

    /// <summary>Offers a service to components (e.g. the host's plugin catalog).</summary>
    public void AddService(Type type, object service)
    {
        lock (_services) _services[type] = service;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType)
    {
        lock (_services) return _services.GetValueOrDefault(serviceType);
    }
}
