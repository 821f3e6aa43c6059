using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace MyPlugin;

/// <summary>Config of the sample camera.</summary>
public sealed record SampleCameraConfig : ComponentConfig
{
    /// <summary>Camera name used in feature keys.</summary>
    public string Name { get; init; } = "front";
    /// <summary>Width in pixels.</summary>
    public int Width { get; init; } = 64;
    /// <summary>Height in pixels.</summary>
    public int Height { get; init; } = 48;
    /// <summary>Frames per second.</summary>
    public double Fps { get; init; } = 30;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (Width <= 0 || Height <= 0) yield return $"width and height must be positive, got {Width}x{Height}";
        if (Fps is <= 0 or > 240) yield return $"fps must be in (0, 240], got {Fps}";
    }
}

/// <summary>
/// A camera that draws a moving test pattern on its own thread, showing the grabber contract:
/// ReadLatest never blocks, Read waits for the next frame, sequence numbers count frames.
/// </summary>
public sealed class SampleCamera(SampleCameraConfig config, IPluginContext context) : ICamera
{
    private readonly ILogger _log = context.LoggerFactory.CreateLogger<SampleCamera>();
    private readonly object _gate = new(); // Monitor.Wait/PulseAll hand frames to blocking readers
    private CameraFrame? _latest;
    private CancellationTokenSource? _stop;
    private Thread? _grabber;

    /// <inheritdoc />
    public string Name => config.Name;
    /// <inheritdoc />
    public int Width => config.Width;
    /// <inheritdoc />
    public int Height => config.Height;
    /// <inheritdoc />
    public double Fps => config.Fps;
    /// <inheritdoc />
    public CameraHealth Health { get; private set; } = CameraHealth.Disconnected;

    /// <inheritdoc />
    public void Connect()
    {
        if (_grabber is not null) return;
        _stop = new CancellationTokenSource();
        _grabber = new Thread(() => Grab(_stop.Token)) { IsBackground = true, Name = $"camera {Name}" };
        _grabber.Start();
        Health = CameraHealth.Streaming;
        _log.LogInformation("sample camera {Name} streaming {W}x{H}@{Fps}", Name, Width, Height, Fps);
    }

    /// <inheritdoc />
    public CameraFrame? ReadLatest()
    {
        lock (_gate) return _latest;
    }

    /// <inheritdoc />
    public CameraFrame Read(TimeSpan timeout)
    {
        var after = ReadLatest()?.Sequence ?? -1;
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (_latest is null || _latest.Sequence == after)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                    throw new TimeoutException($"camera {Name} delivered no frame within {timeout.TotalMilliseconds:F0} ms");
            }
            return _latest;
        }
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        _stop?.Cancel();
        _grabber?.Join();
        _grabber = null;
        Health = CameraHealth.Disconnected;
    }

    /// <inheritdoc />
    public void Dispose() => Disconnect();

    private void Grab(CancellationToken stop)
    {
        var period = TimeSpan.FromSeconds(1 / Fps);
        for (long sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var rgb = new byte[Width * Height * 3];
            for (var x = 0; x < Width; x++)
            {
                var shade = (byte)((x + sequence) * 255 / Width);
                for (var y = 0; y < Height; y++) rgb[(y * Width + x) * 3] = shade;
            }
            lock (_gate)
            {
                _latest = new CameraFrame(Width, Height, rgb, sequence, HostClock.Now);
                Monitor.PulseAll(_gate);
            }
            stop.WaitHandle.WaitOne(period);
        }
    }
}
