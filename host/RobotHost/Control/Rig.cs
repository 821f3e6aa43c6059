using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Plugins;
using RobotHost.Sdk;

namespace RobotHost.Control;

/// <summary>
/// The devices one control loop drives: a robot, an optional teleoperator (leader arm, keyboard, scripted expert) and
/// cameras. <see cref="Connect"/> opens them in that order; torque goes off first (the robot is disconnected before
/// anything else) on every path out: a failure half-way through connecting, <see cref="Disconnect"/>, <see cref="Dispose"/>.
/// Record, teleoperate, rollout, replay and the TUI all drive their devices through one of these.
/// </summary>
public sealed class Rig : IDisposable
{
    private readonly ILogger _log;
    private readonly bool _ownsDevices;
    private readonly CameraFrame?[] _firstFrames;
    private int _disposed;

    /// <summary>A rig of devices the caller created.</summary>
    /// <param name="robot">The robot (the e-stop target).</param>
    /// <param name="teleoperator">Leader arm, keyboard or scripted expert; null when nothing but a policy or a file drives the robot.</param>
    /// <param name="cameras">Cameras; each one's <see cref="ICamera.Name"/> names its feature <c>observation.images.&lt;name&gt;</c>.</param>
    /// <param name="log">Where disconnect failures go.</param>
    /// <param name="ownsDevices">True: <see cref="Dispose"/> also disposes the devices (the rig created them).</param>
    public Rig(IRobot robot, ITeleoperator? teleoperator, IReadOnlyList<ICamera> cameras, ILogger? log = null, bool ownsDevices = false)
    {
        Robot = robot ?? throw new ArgumentNullException(nameof(robot));
        Teleoperator = teleoperator;
        Cameras = cameras ?? [];
        _log = log ?? NullLogger.Instance;
        _ownsDevices = ownsDevices;
        _firstFrames = new CameraFrame?[Cameras.Count];
    }

    /// <summary>
    /// Creates the devices of <paramref name="spec"/> from the plugins (robot, teleoperator, cameras); the rig owns them.
    /// <paramref name="wrapRobot"/> and <paramref name="wrapCamera"/> let a caller observe them (the TUI).
    /// </summary>
    /// <exception cref="RobotHostException">An unknown key or a bad option; whatever was created is released.</exception>
    public static Rig Create(ComponentCatalog catalog, RigSpec spec, ILogger? log = null,
        Func<IRobot, IRobot>? wrapRobot = null, Func<ICamera, ICamera>? wrapCamera = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(spec);
        IRobot? robot = null;
        ITeleoperator? teleoperator = null;
        var cameras = new List<ICamera>();
        try
        {
            var raw = catalog.CreateRobot(spec.RobotKey, spec.RobotOptions);
            robot = wrapRobot is null ? raw : wrapRobot(raw);
            if (spec.TeleopKey is { } teleopKey) teleoperator = catalog.CreateTeleoperator(teleopKey, spec.TeleopOptions);
            var keys = spec.CameraKeys ?? [];
            var options = spec.CameraOptions ?? [];
            for (var i = 0; i < keys.Count; i++)
            {
                var camera = catalog.CreateCamera(keys[i], i < options.Count ? options[i] : null);
                cameras.Add(wrapCamera is null ? camera : wrapCamera(camera));
            }
            return new Rig(robot, teleoperator, cameras, log, ownsDevices: true);
        }
        catch
        {
            // Robot first, as everywhere: releasing a robot leaves its torque off.
            Release(robot, teleoperator, cameras, log ?? NullLogger.Instance);
            throw;
        }
    }

    /// <summary>The robot (follower arm or simulator).</summary>
    public IRobot Robot { get; }

    /// <summary>Leader arm, keyboard or scripted expert; null for a rig driven by a policy alone or by a file.</summary>
    public ITeleoperator? Teleoperator { get; }

    /// <summary>Cameras in order.</summary>
    public IReadOnlyList<ICamera> Cameras { get; }

    /// <summary>Each camera's first frame from the last <see cref="Connect"/> with a warm-up (null without one).</summary>
    public IReadOnlyList<CameraFrame?> FirstFrames => _firstFrames;

    /// <summary>
    /// Connects robot (torque on), teleoperator and cameras, in that order; devices already connected are left as they
    /// are. With <paramref name="cameraWarmup"/> each camera must deliver a first frame of the size it reports within that
    /// time. Any failure disconnects everything (robot first) before the exception leaves.
    /// </summary>
    /// <exception cref="RobotHostException">A device failed to connect, or a camera's frames do not match its size.</exception>
    public void Connect(TimeSpan? cameraWarmup = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        Array.Clear(_firstFrames);
        try
        {
            if (!Robot.IsConnected) Robot.Connect();
            if (Teleoperator is { IsConnected: false } teleoperator) teleoperator.Connect();
            for (var i = 0; i < Cameras.Count; i++)
            {
                var camera = Cameras[i];
                camera.Connect();
                if (cameraWarmup is not { } warmup) continue;
                // The first frame proves the camera streams at the size the dataset will declare.
                var first = camera.Read(warmup);
                if (first.Width != camera.Width || first.Height != camera.Height || !first.IsWellFormed)
                    throw new RobotHostException($"camera '{camera.Name}' delivers {first.Width}×{first.Height} frames but reports {camera.Width}×{camera.Height}; fix its width/height options");
                _firstFrames[i] = first;
            }
        }
        catch
        {
            Disconnect();
            throw;
        }
    }

    /// <summary>Torque off (robot first), then teleoperator and cameras. Never throws; safe to call again and from any thread (an e-stop).</summary>
    public void Disconnect()
    {
        Try(_log, "robot", Robot.Disconnect);
        if (Teleoperator is { } teleoperator) Try(_log, "teleoperator", teleoperator.Disconnect);
        foreach (var camera in Cameras) Try(_log, $"camera {camera.Name}", camera.Disconnect);
    }

    /// <summary>Disconnects (robot first) and, when the rig created its devices, releases them. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Disconnect();
        if (_ownsDevices) Release(Robot, Teleoperator, Cameras, _log);
    }

    private static void Release(IRobot? robot, ITeleoperator? teleoperator, IEnumerable<ICamera> cameras, ILogger log)
    {
        if (robot is not null) Try(log, "robot", robot.Dispose);
        if (teleoperator is not null) Try(log, "teleoperator", teleoperator.Dispose);
        foreach (var camera in cameras) Try(log, $"camera {camera.Name}", camera.Dispose);
    }

    private static void Try(ILogger log, string what, Action action)
    {
        try { action(); }
        catch (Exception e) { log.LogError(e, "releasing the {What} failed", what); }
    }
}
