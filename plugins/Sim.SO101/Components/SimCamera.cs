using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Plugins.Sim.SO101.Rendering;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// <c>sim_front</c> / <c>sim_wrist</c>: renders the rig's world as it is now, on demand, once per physics tick
/// (frames are cached per tick; <see cref="CameraFrame.Sequence"/> moves with every tick and scene placement).
/// A simulated camera never stalls: <see cref="Read"/> waits briefly for the next tick, then repeats the frame.
/// </summary>
public sealed class SimCamera(SimCameraConfig config, PickPlaceWorld world, RigView view, FrontFraming framing = FrontFraming.Table)
    : ICamera, IEpisodeAware
{
    private readonly object _renderLock = new();
    private PickPlaceRenderer? _renderer;
    private CameraFrame? _cached;
    private long _lastRead = -1;

    public string Name => config.Name;
    public int Width => config.Width;
    public int Height => config.Height;
    public double Fps { get { lock (world.Sync) return world.Fps; } }
    public CameraHealth Health { get; private set; } = CameraHealth.Disconnected;
    public RigView View => view;

    public void Connect()
    {
        lock (_renderLock)
        {
            _renderer ??= new PickPlaceRenderer(view, config.Width, config.Height, config.Noise, config.ColorJitter, framing);
            Health = CameraHealth.Streaming;
        }
    }

    public CameraFrame? ReadLatest() => Health == CameraHealth.Streaming ? Current() : null;

    public CameraFrame Read(TimeSpan timeout)
    {
        if (Health != CameraHealth.Streaming) throw new RobotHostException($"camera '{Name}' is not connected; call Connect() first");
        lock (world.Sync)
        {
            // Wait at most two control periods for a tick newer than the last frame read; then repeat that frame.
            var wait = TimeSpan.FromSeconds(Math.Min(timeout.TotalSeconds, 2.0 / world.Fps));
            if (world.Version == _lastRead && wait > TimeSpan.Zero) Monitor.Wait(world.Sync, wait);
        }
        var frame = Current();
        _lastRead = frame.Sequence;
        return frame;
    }

    private CameraFrame Current()
    {
        SceneState scene;
        lock (world.Sync)
        {
            if (_cached is { } cached && cached.Sequence == world.Version) return cached;
            scene = world.Snapshot();
        }
        lock (_renderLock)
        {
            if (_cached is { } cached && cached.Sequence == scene.Tick) return cached;
            var renderer = _renderer ?? throw new RobotHostException($"camera '{Name}' is not connected; call Connect() first");
            var frame = new CameraFrame(Width, Height, renderer.Render(scene), scene.Tick, HostClock.Now);
            _cached = frame;
            return frame;
        }
    }

    public void OnEpisodeStart(int episodeIndex, int seed)
    {
        lock (world.Sync)
        {
            world.BeginEpisode(episodeIndex, seed);
            Monitor.PulseAll(world.Sync);
        }
    }

    public void Disconnect()
    {
        lock (_renderLock)
        {
            Health = CameraHealth.Disconnected;
            _renderer?.Dispose();
            _renderer = null;
            _cached = null;
        }
    }

    public void Dispose() => Disconnect();
}
