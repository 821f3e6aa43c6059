using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// The <c>lerobot</c> dataset format: writes LeRobot v3.0, reads v3.0 and v2.1. The host finds it with
/// <c>Catalog.DatasetFormatFor(root)</c> or <c>Catalog.DatasetFormat("lerobot")</c>.
/// </summary>
/// <param name="loggerFactory">Where writers and readers log (recovery after a crash, discarded episodes).</param>
/// <param name="video">The ffmpeg to use (default: found on PATH).</param>
public sealed class LeRobotFormat(ILoggerFactory? loggerFactory = null, VideoTools? video = null) : IDatasetFormat, IUsesPluginContext
{
    /// <summary>The registry key.</summary>
    public const string Key = "lerobot";

    // Registered with no logger; the host's context supplies one (recovery and discard lines reach the log file).
    private volatile ILoggerFactory _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly bool _loggerGiven = loggerFactory is not null;
    private readonly VideoTools _video = video ?? new VideoTools();

    /// <inheritdoc />
    public void UsePluginContext(IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_loggerGiven) _loggerFactory = context.LoggerFactory;
    }

    /// <inheritdoc />
    public bool CanOpen(string root) => File.Exists(Path.Combine(root, LeRobotLayout.InfoPath));

    /// <inheritdoc />
    public IDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null) =>
        LeRobotDatasetWriter.Create(root, schema, options, _video, _loggerFactory);

    /// <inheritdoc />
    public IDatasetWriter Resume(string root, DatasetWriterOptions? options = null) =>
        LeRobotDatasetWriter.Resume(root, options, _video, _loggerFactory);

    /// <inheritdoc />
    public IDatasetReader Open(string root) => LeRobotDatasetReader.Open(root, _video, _loggerFactory);
}
