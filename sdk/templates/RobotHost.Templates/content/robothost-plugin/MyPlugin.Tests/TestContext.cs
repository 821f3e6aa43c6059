using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace MyPlugin.Tests;

/// <summary>A plugin context for tests: no logging, a scratch data directory, scripted operator answers.</summary>
internal sealed class TestContext : IPluginContext, IOperatorConsole
{
    public Queue<string> Answers { get; } = new();
    public List<string> Said { get; } = [];
    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("myplugin").FullName;
    public IOperatorConsole Operator => this;
    public void Say(string message) => Said.Add(message);
    public string? Ask(string question, CancellationToken cancel = default) => Answers.TryDequeue(out var a) ? a : null;
}
