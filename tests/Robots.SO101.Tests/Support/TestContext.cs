using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace Robots.SO101.Tests.Support;

/// <summary>A plugin context for tests: no logging, a scripted operator, a temp data directory.</summary>
internal sealed class TestContext(IOperatorConsole? op = null) : IPluginContext
{
    public ILoggerFactory LoggerFactory { get; } = NullLoggerFactory.Instance;
    public string DataDirectory { get; } = Path.GetTempPath();
    public IOperatorConsole Operator { get; } = op ?? new ScriptedOperator();
}
