using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// The <c>lerobot</c> dataset format: writes LeRobot v3.0, reads v3.0 and v2.1. The host finds it with
/// <c>Catalog.DatasetFormatFor(root)</c> or <c>Catalog.DatasetFormat("lerobot")</c>.
/// </summary>
/// <param name="loggerFactory">Where writers and readers log (recovery after a crash, discarded episodes); the plugin passes the host's, from the context it is created with.</param>
/// <param name="video">The ffmpeg to use (default: found on PATH).</param>
public sealed class LeRobotFormat(ILoggerFactory? loggerFactory = null, VideoTools? video = null) : IDatasetFormat
{
    /// <summary>The registry key.</summary>
    public const string Key = "lerobot";

    private readonly ILoggerFactory _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly VideoTools _video = video ?? new VideoTools();

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
