using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Learning.Tests.Support;

/// <summary>A plugin context for loading checkpoints outside the host.</summary>
internal sealed class TestPluginContext : IPluginContext
{
    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;
    public string DataDirectory { get; } = Path.GetTempPath();
    public IOperatorConsole Operator => throw new NotSupportedException("no operator in tests");
}
