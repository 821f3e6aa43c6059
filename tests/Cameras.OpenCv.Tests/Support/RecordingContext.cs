using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv.Tests.Support;

/// <summary>A plugin context whose operator console records what it was told.</summary>
internal sealed class RecordingContext(string dataDirectory) : IPluginContext, IOperatorConsole
{
    public ConcurrentQueue<string> Said { get; } = new();

    public string Transcript => string.Join("\n", Said);

    public ILoggerFactory LoggerFactory { get; } = new RecordingLoggerFactory();

    public string DataDirectory => dataDirectory;

    public IOperatorConsole Operator => this;


    public void Say(string message) => Said.Enqueue(message);

    public string? Ask(string question, CancellationToken cancel = default) => null;
}
