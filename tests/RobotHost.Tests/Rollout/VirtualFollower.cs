using System.Reflection;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Tests.Rollout;

/// <summary>
/// A real so101_follower (loaded through the plugin host, as the CLI loads it) on a virtual STS3215 arm on a pseudo-terminal.
/// The virtual arm's classes live in the plugin assembly, which this project may not reference (type identity under plugin
/// loading), so the arm is started by reflection from the very assembly the plugin host loaded and read through <c>dynamic</c>.
/// </summary>
internal sealed class VirtualFollower : IDisposable
{
    private readonly dynamic _bus;
    private readonly Type _virtualArm;
    private readonly List<IDisposable> _otherArms = [];

    public VirtualFollower(string name, float followerMaxRelativeTarget = 360f)
    {
        Home = RepoPaths.NewTempDirectory("rollout-" + name);
        Session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(Home),
            PluginDirectories = [RepoPaths.PluginDirectory],
            IncludeDefaultPluginDirectories = false,
        });
        Session.Catalog.Find(ComponentKind.Robot, "so101_follower"); // loads the plugins
        var pluginPath = Session.Plugins.Loaded.Single(p => Path.GetFileName(p.AssemblyPath) == "Robots.SO101.dll").AssemblyPath;
        var plugin = System.Runtime.Loader.AssemblyLoadContext.All.SelectMany(c => c.Assemblies)
            // Assemblies loaded from memory (compiled scripts of other tests) have no location.
            .First(a => !a.IsDynamic && a.Location.Length > 0 && string.Equals(Path.GetFullPath(a.Location), Path.GetFullPath(pluginPath), StringComparison.Ordinal));
        _virtualArm = plugin.GetType("RobotHost.Plugins.Robots.SO101.Virtual.VirtualSo101", throwOnError: true)!;
        CalibrationDir = Path.Combine(Home, "calibration");
        Directory.CreateDirectory(CalibrationDir);
        _bus = StartCalibratedArm("rollout_test");
        // The follower's own max_relative_target is opened wide and its own watchdog is off, so what the tests see is the rollout's doing.
        RobotOptions = new Dictionary<string, string>
        {
            ["port"] = (string)_bus.PortPath,
            ["id"] = "rollout_test",
            ["calibration_dir"] = CalibrationDir,
            ["max_relative_target"] = followerMaxRelativeTarget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["watchdog_ms"] = "0",
            ["reply_timeout_ms"] = "250",
        };
        Robot = Session.Catalog.CreateRobot("so101_follower", RobotOptions);
    }

    /// <summary>The so101_follower options that open this virtual arm.</summary>
    public IReadOnlyDictionary<string, string> RobotOptions { get; }

    /// <summary>Where the calibration files of this follower and of <see cref="StartLeader"/>'s arms are.</summary>
    public string CalibrationDir { get; }

    /// <summary>
    /// A second calibrated virtual arm (a leader) on its own pseudo-terminal, stopped with this object; returns the bus
    /// (read and move its servos through <c>dynamic</c>) and the so101_leader options that open it.
    /// </summary>
    public (dynamic Bus, IReadOnlyDictionary<string, string> Options) StartLeader(string id)
    {
        var bus = StartCalibratedArm(id);
        _otherArms.Add((IDisposable)bus);
        return (bus, new Dictionary<string, string>
        {
            ["port"] = (string)bus.PortPath,
            ["id"] = id,
            ["calibration_dir"] = CalibrationDir,
            ["reply_timeout_ms"] = "250",
        });
    }

    private dynamic StartCalibratedArm(string id)
    {
        try
        {
            return _virtualArm.GetMethod("StartCalibratedArm")!.Invoke(null, [CalibrationDir, id, null])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    public string Home { get; }
    public HostSession Session { get; }
    public IRobot Robot { get; }

    /// <summary>The pseudo-terminal the virtual arm serves (a child <c>robothost</c> can open it too).</summary>
    public string PortPath => (string)_bus.PortPath;
    public ILogger Log => Session.CreateLogger("RolloutTests");

    /// <summary>The virtual servo with this ID (1 = shoulder_pan … 6 = gripper).</summary>
    public dynamic Servo(int id) => _bus.Servos[id];

    public IEnumerable<dynamic> Servos => ((System.Collections.IEnumerable)_bus.Servos.Servos).Cast<dynamic>();

    public bool AllTorqueOff => Servos.All(s => !(bool)s.TorqueEnabled);

    public bool AnyTorqueOn => Servos.Any(s => (bool)s.TorqueEnabled);

    public void Dispose()
    {
        Robot.Disconnect();
        Robot.Dispose();
        foreach (var arm in _otherArms) arm.Dispose();
        _bus.Dispose();
        Session.Dispose();
    }
}
