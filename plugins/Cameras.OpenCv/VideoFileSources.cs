using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>Picks the source for a <c>video_file</c> config: image folder, OpenCV decoder, or the system ffmpeg.</summary>
internal static class VideoFileSources
{
    public static IFrameSource Create(VideoFileCameraConfig config)
    {
        if (Directory.Exists(config.Path)) return new ImageFolderSource(config);
        if (!File.Exists(config.Path))
            throw new RobotHostException($"video_file camera '{config.Name}': '{config.Path}' is neither a video file nor a folder of images; fix path");
        return config.Decoder switch
        {
            "ffmpeg" => new FfmpegPipeSource(config),
            "opencv" => new OpenCvVideoSource(config),
            _ => new AutoVideoSource(config),
        };
    }

    /// <summary>Resizes in place when the config asks for a size other than the stored one.</summary>
    public static void FitTo(Mat bgr, int width, int height)
    {
        if (width > 0 && (bgr.Width != width || bgr.Height != height))
            Cv2.Resize(bgr, bgr, new Size(width, height), 0, 0, InterpolationFlags.Area);
    }
}
