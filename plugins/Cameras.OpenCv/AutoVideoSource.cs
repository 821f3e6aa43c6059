using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>OpenCV's decoder when it can read the file (no process to start), else the system ffmpeg.</summary>
internal sealed class AutoVideoSource(VideoFileCameraConfig config) : IFrameSource
{
    private IFrameSource _inner = new OpenCvVideoSource(config);
    private bool _chosen;

    public string Description => _inner.Description;

    public int Width => _inner.Width;

    public int Height => _inner.Height;

    public double Fps => _inner.Fps;

    public bool PacedByHost => true;

    public void Open()
    {
        if (_chosen)
        {
            _inner.Open();
            return;
        }
        try
        {
            _inner.Open();
        }
        catch (RobotHostException)
        {
            _inner.Dispose();
            _inner = new FfmpegPipeSource(config);
            _inner.Open();
        }
        _chosen = true;
    }

    public SourceRead Read(Mat bgr) => _inner.Read(bgr);

    public void Close() => _inner.Close();

    public void Dispose() => _inner.Dispose();
}
