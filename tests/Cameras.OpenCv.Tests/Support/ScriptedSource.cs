using OpenCvSharp;

namespace RobotHost.Plugins.Cameras.OpenCv.Tests.Support;

/// <summary>
/// A frame source that behaves like a V4L2 driver whose read hangs when the cable is pulled: frames at ~50 fps until
/// <see cref="Hang"/>, then <see cref="Read"/> blocks until <see cref="Resume"/>. Tests the grabber's stall watchdog,
/// which must report the camera even though the grabber thread itself is stuck.
/// </summary>
internal sealed class ScriptedSource : IFrameSource
{
    private readonly ManualResetEventSlim _running = new(true);
    private readonly ManualResetEventSlim _hanging = new(false);

    public string Description => "scripted hanging device";

    public int Width => 32;

    public int Height => 24;

    public double Fps => 50;

    public bool PacedByHost => true;

    public void Hang() => _running.Reset();

    /// <summary>Waits until the grabber is stuck inside <see cref="Read"/> (no frame can be on its way any more).</summary>
    public bool WaitUntilHanging(TimeSpan timeout) => _hanging.Wait(timeout);

    public void Resume()
    {
        _hanging.Reset();
        _running.Set();
    }

    public void Open() { }

    public SourceRead Read(Mat bgr)
    {
        if (!_running.IsSet) _hanging.Set();
        _running.Wait();
        bgr.Create(Height, Width, MatType.CV_8UC3);
        bgr.SetTo(new Scalar(255, 0, 0));
        return SourceRead.Frame;
    }

    public void Close() { }

    public void Dispose()
    {
        _running.Set();
    }
}
