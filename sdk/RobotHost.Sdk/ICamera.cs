namespace RobotHost.Sdk;

/// <summary>Health of a camera as seen by its grabber thread.</summary>
public enum CameraHealth
{
    /// <summary>Not connected.</summary>
    Disconnected,
    /// <summary>Delivering frames.</summary>
    Streaming,
    /// <summary>Connected but no frame for longer than expected (e.g. unplugged); the session decides what to do.</summary>
    Stalled,
}

/// <summary>
/// An RGB image source. Cameras grab on their own thread, so a control loop never waits on one:
/// it calls <see cref="ReadLatest"/>.
/// </summary>
public interface ICamera : IDisposable
{
    /// <summary>Camera name used in feature keys (<c>observation.images.&lt;Name&gt;</c>).</summary>
    string Name { get; }

    /// <summary>Delivered width in pixels (verified after connecting).</summary>
    int Width { get; }

    /// <summary>Delivered height in pixels (verified after connecting).</summary>
    int Height { get; }

    /// <summary>Frames per second.</summary>
    double Fps { get; }

    /// <summary>Current health.</summary>
    CameraHealth Health { get; }

    /// <summary>Opens the camera and starts its grabber.</summary>
    void Connect();

    /// <summary>Blocks until the next new frame, or throws <see cref="TimeoutException"/> naming the camera.</summary>
    CameraFrame Read(TimeSpan timeout);

    /// <summary>The newest frame without blocking; null before the first frame.</summary>
    CameraFrame? ReadLatest();

    /// <summary>Stops the grabber and releases the device. Idempotent.</summary>
    void Disconnect();
}
