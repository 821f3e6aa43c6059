using RobotHost.Sdk;

namespace RobotHost.Tui;

/// <summary>Passes every call to the real camera and keeps the newest frame the recorder took, for the preview.</summary>
public sealed class ObservedCamera(ICamera inner) : ICamera, IEpisodeAware
{
    private volatile CameraFrame? _latest;

    /// <summary>The wrapped camera.</summary>
    public ICamera Inner { get; } = inner;

    /// <summary>Newest frame handed to the recorder, or null before the first.</summary>
    public CameraFrame? Latest => _latest;

    /// <inheritdoc />
    public string Name => Inner.Name;
    /// <inheritdoc />
    public int Width => Inner.Width;
    /// <inheritdoc />
    public int Height => Inner.Height;
    /// <inheritdoc />
    public double Fps => Inner.Fps;
    /// <inheritdoc />
    public CameraHealth Health => Inner.Health;
    /// <inheritdoc />
    public void Connect() => Inner.Connect();

    /// <inheritdoc />
    public CameraFrame Read(TimeSpan timeout) => _latest = Inner.Read(timeout);

    /// <inheritdoc />
    public CameraFrame? ReadLatest()
    {
        var frame = Inner.ReadLatest();
        if (frame is not null) _latest = frame;
        return frame;
    }

    /// <summary>Forwards episode starts to cameras that want them (simulated cameras re-seed their world and noise).</summary>
    public void OnEpisodeStart(int episodeIndex, int seed) => (Inner as IEpisodeAware)?.OnEpisodeStart(episodeIndex, seed);

    /// <inheritdoc />
    public void Disconnect() => Inner.Disconnect();
    /// <inheritdoc />
    public void Dispose() => Inner.Dispose();
}
