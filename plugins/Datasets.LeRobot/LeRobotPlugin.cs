using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>Registers the LeRobot v3.0 dataset format (reads v2.1 too) under the key <c>lerobot</c>.</summary>
public sealed class LeRobotPlugin : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry) =>
        registry.AddDatasetFormat(LeRobotFormat.Key, context => new LeRobotFormat(context.LoggerFactory),
            "LeRobot dataset v3.0 (parquet + concatenated mp4, H.264 live or AV1); reads v2.1 and converts it");
}
