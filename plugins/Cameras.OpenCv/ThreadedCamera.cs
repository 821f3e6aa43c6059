using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// A camera whose frames are grabbed on its own thread, so a control loop never waits on it: the one implementation of
/// background capture behind both the <c>opencv</c> and the <c>video_file</c> cameras.
/// <list type="bullet">
/// <item><see cref="ReadLatest"/> is a single volatile read of an immutable frame (no lock, no wait).</item>
/// <item><see cref="Read"/> returns the next frame in sequence while it is among the last few captured, so a
/// consumer that keeps up (a recorder) sees no gaps even when the OS holds it back for a few frame periods.</item>
/// <item>Each frame carries a sequence number (0, 1, 2… over the camera's life, across reconnects) and its capture
/// time on <see cref="HostClock"/>, so consumers can count dropped and repeated frames.</item>
/// <item>No frame for <c>stall_timeout_s</c> → <see cref="Health"/> = Stalled and one warning (checked every 100 ms,
/// even when the driver blocks the grabber); a failing source is reopened with backoff (0.1 s doubling to 2 s).</item>
/// </list>
/// </summary>
public sealed class ThreadedCamera : ICamera
{
    private static readonly TimeSpan StallCheckPeriod = TimeSpan.FromMilliseconds(100);
    private const double MaxBackoffS = 2.0;
    // Consecutive failed reads before a device counts as gone; a USB camera can drop a single frame.
    private const int FailuresBeforeReopen = 3;
    // Recent frames kept for Read(): a consumer descheduled for up to ~4 frame periods still gets every frame in order.
    private const int RecentFrames = 4;

    private readonly IFrameSource _source;
    private readonly int _rotation;
    private readonly int _warmupFrames;
    private readonly double _stallTimeoutS;
    private readonly ILogger _log;
    private readonly object _frameSignal = new();
    private readonly Lock _lifecycle = new();

    private Thread? _grabber;
    private CancellationTokenSource? _stop;
    private Timer? _stallCheck;
    private volatile CameraFrame? _latest;
    private readonly CameraFrame?[] _recent = new CameraFrame?[RecentFrames];
    private int _state = (int)GrabberState.Disconnected;
    private long _nextSequence;
    private long _lastHandedOut = -1;
    private long _framesCaptured, _framesRead, _framesDropped, _framesRepeated, _reconnects;
    private double _lastDeviceFrameTime, _lastPublishTime, _smoothedInterval;

    internal ThreadedCamera(string name, IFrameSource source, int rotation, int warmupFrames, double stallTimeoutS, ILogger log)
    {
        Name = name;
        _source = source;
        _rotation = rotation;
        _warmupFrames = warmupFrames;
        _stallTimeoutS = stallTimeoutS;
        _log = log;
    }

    private enum GrabberState { Disconnected, Streaming, Stalled, EndOfStream }

    private GrabberState State
    {
        get => (GrabberState)Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, (int)value);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>What the camera reads, for messages and logs.</summary>
    public string Description => _source.Description;

    /// <inheritdoc />
    public int Width => _rotation is 90 or 270 ? _source.Height : _source.Width;

    /// <inheritdoc />
    public int Height => _rotation is 90 or 270 ? _source.Width : _source.Height;

    /// <inheritdoc />
    public double Fps => _source.Fps;

    /// <inheritdoc />
    public CameraHealth Health => State switch
    {
        GrabberState.Disconnected => CameraHealth.Disconnected,
        // Between two stall checks the state may still say Streaming: look at the clock too.
        GrabberState.Streaming => IsOverdue(HostClock.Now) ? CameraHealth.Stalled : CameraHealth.Streaming,
        _ => CameraHealth.Stalled,
    };

    /// <summary>Counters since <see cref="Connect"/>.</summary>
    public CameraStats Stats => new(
        Name, Health,
        Interlocked.Read(ref _framesCaptured), Interlocked.Read(ref _framesRead),
        Interlocked.Read(ref _framesDropped), Interlocked.Read(ref _framesRepeated),
        Interlocked.Read(ref _reconnects),
        Volatile.Read(ref _smoothedInterval) is > 0 and var interval ? 1.0 / interval : 0,
        State == GrabberState.EndOfStream);

    /// <summary>True while the grabber thread runs (false after Disconnect, or after a non-looping file ended).</summary>
    public bool IsGrabbing => _grabber?.IsAlive == true;

    /// <inheritdoc />
    /// <exception cref="RobotHostException">The device or file cannot be opened, delivers another mode than requested
    /// (strict), or gives no first frame.</exception>
    public void Connect()
    {
        lock (_lifecycle)
        {
            if (_grabber is not null) throw new InvalidOperationException($"camera '{Name}' is already connected");
            _source.Open();
            ResetCounters();
            _stop = new CancellationTokenSource();
            State = GrabberState.Streaming;
            Volatile.Write(ref _lastDeviceFrameTime, HostClock.Now);
            var token = _stop.Token;
            _grabber = new Thread(() => GrabLoop(token)) { IsBackground = true, Name = $"camera {Name}" };
            _grabber.Start();
            _stallCheck = new Timer(_ => CheckStall(), null, StallCheckPeriod, StallCheckPeriod);
        }
        // Warm-up frames at the device rate, plus generous slack: on a loaded machine starting a decoder process or the
        // thread itself can take seconds, and a slow first frame is not worth failing a session for.
        var firstFrameTimeout = TimeSpan.FromSeconds(10 + _warmupFrames / Math.Max(1, Fps));
        var first = WaitForFrame(-1, firstFrameTimeout);
        if (first is null)
        {
            var ended = State == GrabberState.EndOfStream;
            Disconnect();
            throw new RobotHostException(ended
                ? $"camera '{Name}' ({Description}) ended before its first frame: the file has no frames past warmup_frames={_warmupFrames}"
                : $"camera '{Name}' ({Description}) opened but gave no frame within {firstFrameTimeout.TotalSeconds:F0} s; check the cable, or whether another program uses it");
        }
        _log.LogInformation("camera {Camera} streaming: {Description}, delivered {Width}x{Height} @ {Fps:F1} fps, rotation {Rotation}",
            Name, Description, Width, Height, Fps, _rotation);
    }

    /// <inheritdoc />
    /// <exception cref="TimeoutException">No new frame within <paramref name="timeout"/>; the message names the camera.</exception>
    /// <exception cref="EndOfStreamException">A non-looping file has ended and every frame was handed out.</exception>
    public CameraFrame Read(TimeSpan timeout)
    {
        if (_grabber is null && State != GrabberState.EndOfStream)
            throw new InvalidOperationException($"camera '{Name}' is not connected; call Connect first");
        var frame = WaitForFrame(Interlocked.Read(ref _lastHandedOut), timeout);
        if (frame is not null) return HandOut(frame);
        if (State == GrabberState.EndOfStream)
            throw new EndOfStreamException($"camera '{Name}' ({Description}) reached the end of its file (loop=false)");
        if (State == GrabberState.Disconnected)
            throw new InvalidOperationException($"camera '{Name}' was disconnected while waiting for a frame");
        throw new TimeoutException($"camera '{Name}' ({Description}) gave no new frame within {timeout.TotalMilliseconds:F0} ms (health {Health})");
    }

    /// <inheritdoc />
    public CameraFrame? ReadLatest()
    {
        var frame = _latest;
        return frame is null ? null : HandOut(frame);
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        Thread? grabber;
        lock (_lifecycle)
        {
            grabber = _grabber;
            if (grabber is null && _stop is null) return;
            _stop?.Cancel();
            _stallCheck?.Dispose();
            _stallCheck = null;
            _grabber = null;
        }
        // The grabber closes the source itself on exit (OpenCV captures are not thread-safe).
        if (grabber is not null && !grabber.Join(TimeSpan.FromSeconds(5)))
            _log.LogWarning("camera {Camera}: grabber thread did not stop within 5 s (driver blocked in a read); it will release {Description} when the read returns", Name, Description);
        lock (_lifecycle)
        {
            _stop?.Dispose();
            _stop = null;
            State = GrabberState.Disconnected;
            _latest = null;
            Array.Clear(_recent);
        }
        lock (_frameSignal) Monitor.PulseAll(_frameSignal);
        _log.LogInformation("camera {Camera} disconnected: {Stats}", Name, Stats);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Disconnect();
        _source.Dispose();
    }

    private CameraFrame? WaitForFrame(long after, TimeSpan timeout)
    {
        var deadline = HostClock.Now + timeout.TotalSeconds;
        lock (_frameSignal)
        {
            while (true)
            {
                var frame = _latest;
                if (frame is not null && frame.Sequence > after) return NextAfter(after, frame);
                if (State is GrabberState.EndOfStream or GrabberState.Disconnected) return null;
                var remaining = deadline - HostClock.Now;
                if (remaining <= 0) return null;
                Monitor.Wait(_frameSignal, TimeSpan.FromSeconds(remaining));
            }
        }
    }

    /// <summary>The oldest frame still kept that is newer than <paramref name="after"/>, else the newest.</summary>
    private CameraFrame NextAfter(long after, CameraFrame newest)
    {
        for (var sequence = Math.Max(after + 1, newest.Sequence - RecentFrames + 1); sequence < newest.Sequence; sequence++)
        {
            var kept = Volatile.Read(ref _recent[sequence % RecentFrames]);
            if (kept is not null && kept.Sequence == sequence) return kept;
        }
        return newest;
    }

    private CameraFrame HandOut(CameraFrame frame)
    {
        var previous = Interlocked.Exchange(ref _lastHandedOut, frame.Sequence);
        if (frame.Sequence == previous)
        {
            Interlocked.Increment(ref _framesRepeated);
            return frame;
        }
        Interlocked.Increment(ref _framesRead);
        if (previous >= 0 && frame.Sequence > previous + 1) Interlocked.Add(ref _framesDropped, frame.Sequence - previous - 1);
        return frame;
    }

    private void GrabLoop(CancellationToken token)
    {
        using var bgr = new Mat();
        using var rotated = new Mat();
        using var rgb = new Mat();
        var isOpen = true;
        var warmupLeft = _warmupFrames;
        var failures = 0;
        var backoff = 0.1;
        var outageLogged = false;
        var due = HostClock.Now;
        try
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    if (!isOpen)
                    {
                        try
                        {
                            _source.Open();
                        }
                        catch (Exception e) when (e is RobotHostException or OpenCVException or IOException or InvalidOperationException)
                        {
                            if (!outageLogged) _log.LogWarning("camera {Camera}: cannot reopen yet ({Reason}); retrying every ≤{Max} s", Name, e.Message, MaxBackoffS);
                            outageLogged = true;
                            token.WaitHandle.WaitOne(TimeSpan.FromSeconds(backoff));
                            backoff = Math.Min(backoff * 2, MaxBackoffS);
                            continue;
                        }
                        isOpen = true;
                        failures = 0;
                        backoff = 0.1;
                        outageLogged = false;
                        warmupLeft = _warmupFrames;
                        due = HostClock.Now;
                        Interlocked.Increment(ref _reconnects);
                        _log.LogInformation("camera {Camera} reopened: {Description}", Name, Description);
                    }

                    if (_source.PacedByHost && _source.Fps > 0)
                    {
                        var wait = due - HostClock.Now;
                        if (wait > 0 && token.WaitHandle.WaitOne(TimeSpan.FromSeconds(wait))) break;
                    }

                    switch (_source.Read(bgr))
                    {
                        case SourceRead.Frame:
                            failures = 0;
                            // Warm-up frames count as signs of life for the stall check too.
                            Volatile.Write(ref _lastDeviceFrameTime, HostClock.Now);
                            if (_source.PacedByHost && _source.Fps > 0)
                            {
                                var period = 1.0 / _source.Fps;
                                due += period;
                                // A live camera does not burst to catch up after a stall: restart the schedule.
                                if (HostClock.Now - due > 2 * period) due = HostClock.Now;
                            }
                            if (warmupLeft > 0)
                            {
                                warmupLeft--;
                                continue;
                            }
                            Publish(ToRgbFrame(bgr, rotated, rgb));
                            break;
                        case SourceRead.EndOfStream:
                            _log.LogInformation("camera {Camera}: end of {Description} (loop off) after {Frames} frames", Name, Description, Interlocked.Read(ref _framesCaptured));
                            State = GrabberState.EndOfStream;
                            lock (_frameSignal) Monitor.PulseAll(_frameSignal);
                            return;
                        case SourceRead.Failed:
                            if (++failures < FailuresBeforeReopen) continue;
                            MarkStalled($"{Description} stopped giving frames");
                            _source.Close();
                            isOpen = false;
                            break;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // One failing camera never takes the host down: log, reopen, carry on.
                    _log.LogError(e, "camera {Camera}: grabber error; reopening {Description}", Name, Description);
                    MarkStalled(e.Message);
                    _source.Close();
                    isOpen = false;
                    token.WaitHandle.WaitOne(TimeSpan.FromSeconds(backoff));
                }
            }
        }
        finally
        {
            _source.Close();
        }
    }

    private CameraFrame ToRgbFrame(Mat bgr, Mat rotated, Mat rgb)
    {
        var source = bgr;
        if (_rotation != 0)
        {
            Cv2.Rotate(bgr, rotated, _rotation switch
            {
                90 => RotateFlags.Rotate90Clockwise,
                180 => RotateFlags.Rotate180,
                _ => RotateFlags.Rotate90Counterclockwise,
            });
            source = rotated;
        }
        // OpenCV hands out BGR; CameraFrame is RGB (the SDK's and LeRobot's order).
        Cv2.CvtColor(source, rgb, ColorConversionCodes.BGR2RGB);
        var bytes = new byte[rgb.Rows * rgb.Cols * 3];
        Marshal.Copy(rgb.Data, bytes, 0, bytes.Length);
        return new CameraFrame(rgb.Cols, rgb.Rows, bytes, _nextSequence++, HostClock.Now);
    }

    private void Publish(CameraFrame frame)
    {
        if (Interlocked.Read(ref _framesCaptured) > 0)
        {
            var interval = frame.CaptureTime - _lastPublishTime;
            var smoothed = Volatile.Read(ref _smoothedInterval);
            Volatile.Write(ref _smoothedInterval, smoothed <= 0 ? interval : smoothed + 0.1 * (interval - smoothed));
        }
        _lastPublishTime = frame.CaptureTime;
        Volatile.Write(ref _lastDeviceFrameTime, frame.CaptureTime);
        Volatile.Write(ref _recent[frame.Sequence % RecentFrames], frame);
        _latest = frame;
        Interlocked.Increment(ref _framesCaptured);
        if (Interlocked.CompareExchange(ref _state, (int)GrabberState.Streaming, (int)GrabberState.Stalled) == (int)GrabberState.Stalled)
            _log.LogInformation("camera {Camera} streaming again ({Description})", Name, Description);
        lock (_frameSignal) Monitor.PulseAll(_frameSignal);
    }

    private bool IsOverdue(double now) => now - Volatile.Read(ref _lastDeviceFrameTime) > _stallTimeoutS;

    private void CheckStall()
    {
        var silence = HostClock.Now - Volatile.Read(ref _lastDeviceFrameTime);
        if (silence > _stallTimeoutS) MarkStalled($"no frame for {silence:F1} s");
    }

    private void MarkStalled(string reason)
    {
        if (Interlocked.CompareExchange(ref _state, (int)GrabberState.Stalled, (int)GrabberState.Streaming) == (int)GrabberState.Streaming)
            _log.LogWarning("camera {Camera} stalled: {Reason} (unplugged?); health is Stalled, the session decides whether to go on without it; reconnecting in the background",
                Name, reason);
    }

    private void ResetCounters()
    {
        _latest = null;
        Array.Clear(_recent);
        Interlocked.Exchange(ref _lastHandedOut, -1);
        Interlocked.Exchange(ref _framesCaptured, 0);
        Interlocked.Exchange(ref _framesRead, 0);
        Interlocked.Exchange(ref _framesDropped, 0);
        Interlocked.Exchange(ref _framesRepeated, 0);
        Interlocked.Exchange(ref _reconnects, 0);
        Volatile.Write(ref _smoothedInterval, 0);
    }
}
