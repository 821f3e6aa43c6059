using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>A plugin context for loading checkpoints in tests: no logging, no operator, a scratch data folder.</summary>
internal sealed class GenerativeTestContext(string dataDirectory) : IPluginContext, IOperatorConsole
{
    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;
    public string DataDirectory => dataDirectory;
    public IOperatorConsole Operator => this;
    public void Say(string message) { }
    public string? Ask(string question, CancellationToken cancel = default) => null;
}
