using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>Registers the <c>opencv</c> and <c>video_file</c> cameras and the <c>find-cameras</c> command.</summary>
public sealed class CamerasOpenCvModule : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry)
    {
        registry.AddCamera<OpenCvCameraConfig>("opencv", (config, context) => Cameras.OpenCv(config, context.LoggerFactory),
            "V4L2 camera through OpenCV (index or /dev/video path), MJPG 640x480@30 by default, grabbed on its own thread");
        registry.AddCamera<VideoFileCameraConfig>("video_file", (config, context) => Cameras.VideoFile(config, context.LoggerFactory),
            "an mp4 or a folder of images played as a live camera at its own frame rate (tests, demos, benchmarks)");
        registry.AddCommand("find-cameras", "list video devices with their modes and save a PNG snapshot of each [--out DIR]",
            (args, context, cancel) => FindCamerasCommand.Run(args, context, cancel));
    }
}
