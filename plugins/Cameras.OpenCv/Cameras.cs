using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>Creates this plugin's cameras from their configs (what the registered factories call; handy in tests and benchmarks).</summary>
public static class Cameras
{
    /// <summary>A V4L2 camera (<c>opencv</c> key). Nothing is opened until <see cref="ICamera.Connect"/>.</summary>
    /// <exception cref="RobotHostException">The config is invalid.</exception>
    public static ThreadedCamera OpenCv(OpenCvCameraConfig config, ILoggerFactory? loggers = null) =>
        OpenCv(config, loggers, "/dev");

    /// <summary>A video file or image folder played as a live camera (<c>video_file</c> key). Checks the path now, opens on Connect.</summary>
    /// <exception cref="RobotHostException">The config is invalid or the path does not exist.</exception>
    public static ThreadedCamera VideoFile(VideoFileCameraConfig config, ILoggerFactory? loggers = null)
    {
        ThrowIfInvalid(config, "video_file");
        OpenCvLogging.Quiet();
        var log = (loggers ?? NullLoggerFactory.Instance).CreateLogger<ThreadedCamera>();
        return new ThreadedCamera(config.Name, VideoFileSources.Create(config), config.Rotation, config.WarmupFrames, config.StallTimeoutS, log);
    }

    internal static ThreadedCamera OpenCv(OpenCvCameraConfig config, ILoggerFactory? loggers, string deviceDirectory)
    {
        ThrowIfInvalid(config, "opencv");
        OpenCvLogging.Quiet();
        var log = (loggers ?? NullLoggerFactory.Instance).CreateLogger<ThreadedCamera>();
        return new ThreadedCamera(config.Name, new V4l2CameraSource(config, log, deviceDirectory), config.Rotation, config.WarmupFrames, config.StallTimeoutS, log);
    }

    private static void ThrowIfInvalid(ComponentConfig config, string key)
    {
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException($"invalid configuration of '{key}': {string.Join("; ", problems)}");
    }
}
