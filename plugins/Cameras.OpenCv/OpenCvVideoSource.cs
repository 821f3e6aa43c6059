using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>A video file through OpenCV's bundled FFmpeg (reads mp4v and MJPG; not AV1).</summary>
internal sealed class OpenCvVideoSource(VideoFileCameraConfig config) : IFrameSource
{
    private VideoCapture? _capture;
    private Mat? _firstFrame;

    public string Description => $"{Path.GetFileName(config.Path)} (OpenCV decoder)";

    public int Width { get; private set; } = config.Width;

    public int Height { get; private set; } = config.Height;

    public double Fps { get; private set; } = config.Fps;

    public bool PacedByHost => true;

    public void Open()
    {
        Close();
        var capture = new VideoCapture(config.Path, VideoCaptureAPIs.FFMPEG);
        var frame = new Mat();
        if (!capture.IsOpened() || !capture.Read(frame) || frame.Empty())
        {
            frame.Dispose();
            capture.Dispose();
            throw new RobotHostException($"video_file camera '{config.Name}': OpenCV cannot decode '{config.Path}' (its bundled FFmpeg reads mp4v and MJPG); set decoder=ffmpeg to use the system ffmpeg");
        }
        var fileFps = capture.Get(VideoCaptureProperties.Fps);
        Fps = config.Fps > 0 ? config.Fps : fileFps is > 0 and < 1000 ? fileFps : 30;
        VideoFileSources.FitTo(frame, config.Width, config.Height);
        Width = frame.Width;
        Height = frame.Height;
        _firstFrame = frame;
        _capture = capture;
    }

    public SourceRead Read(Mat bgr)
    {
        if (_capture is null) return SourceRead.Failed;
        if (_firstFrame is not null)
        {
            _firstFrame.CopyTo(bgr);
            _firstFrame.Dispose();
            _firstFrame = null;
            return SourceRead.Frame;
        }
        if (!_capture.Read(bgr) || bgr.Empty())
        {
            if (!config.Loop) return SourceRead.EndOfStream;
            // Loop: back to the first frame (one seek per play-through).
            _capture.Set(VideoCaptureProperties.PosFrames, 0);
            if (!_capture.Read(bgr) || bgr.Empty()) return SourceRead.Failed;
        }
        VideoFileSources.FitTo(bgr, config.Width, config.Height);
        return SourceRead.Frame;
    }

    public void Close()
    {
        _firstFrame?.Dispose();
        _firstFrame = null;
        _capture?.Dispose();
        _capture = null;
    }

    public void Dispose() => Close();
}
