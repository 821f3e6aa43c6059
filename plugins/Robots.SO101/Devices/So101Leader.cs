using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Robots.SO101.Calibration;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>
/// The SO-101 leader arm (<c>so101_leader</c>): torque off, moved by hand; each action is its calibrated joint
/// positions in LeRobot units, matching <c>so101_follower</c>'s action names. While a policy drives the follower it can
/// mirror the follower's goals with torque on (<see cref="IMirrorsRobot"/>), so a person takes over from the follower's pose.
/// </summary>
public sealed class So101Leader : ITeleoperator, IMirrorsRobot
{
    private readonly So101LeaderConfig _config;
    private readonly So101Arm _arm;
    private readonly ILogger _log;
    private readonly Lock _state = new();
    private bool _mirroring;

    /// <summary>Creates the leader (no hardware is touched before <see cref="Connect"/>).</summary>
    public So101Leader(So101LeaderConfig config, IPluginContext context)
    {
        _config = config;
        _log = context.LoggerFactory.CreateLogger("so101_leader");
        _arm = new So101Arm(new ArmSettings
        {
            Port = config.Port,
            Id = config.Id,
            ConfigKey = "so101_leader",
            Category = "teleoperators",
            DeviceName = "so_leader",
            CalibrationPath = CalibrationFile.PathFor(config.CalibrationDir, "teleoperators", "so_leader", config.Id),
            UseDegrees = config.UseDegrees,
            Bus = new FeetechBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(config.ReplyTimeoutMs), Attempts = config.NumReadRetries + 1 },
            CliFlag = "--teleop",
            FailSafeAfter = config.FailSafeAfter,
        }, context, _log);
    }

    /// <inheritdoc />
    public FeatureSpec ActionFeature { get; } = So101Joints.Feature(FeatureKeys.Action);

    /// <inheritdoc />
    public bool IsConnected { get; private set; }

    /// <summary>Where this arm's calibration file is.</summary>
    public string CalibrationPath => _arm.Settings.CalibrationPath;

    /// <summary>The bus fault that made the arm safe after <c>fail_safe_after</c> failed transactions in a row or a lost port; null while the bus works.</summary>
    public ServoBusException? FailSafe => _arm.FailSafe;

    /// <inheritdoc />
    public void Connect(bool calibrate = false)
    {
        lock (_state)
        {
            if (IsConnected) throw new RobotHostException($"{_arm.Label} is already connected");
            _arm.Open();
            try
            {
                if (calibrate) _arm.Calibrate();
                else _arm.LoadAndVerifyCalibration();
                _arm.Configure(); // torque stays off: the leader is moved by hand
                IsConnected = true;
                _log.LogInformation("{Arm} connected", _arm.Label);
            }
            catch
            {
                _arm.TorqueOff(bestEffort: true);
                _arm.Close();
                throw;
            }
        }
    }

    /// <inheritdoc />
    public RobotAction GetAction()
    {
        if (!IsConnected) throw new RobotHostException($"{_arm.Label} is not connected; call Connect() first");
        var raw = _arm.ReadRaw();
        var values = new Dictionary<string, float>(raw.Length);
        for (var i = 0; i < raw.Length; i++) values[So101Joints.Features[i]] = _arm.ToUser(i, raw[i]);
        return new RobotAction(values);
    }

    /// <summary>True while torque is on and the leader follows the follower's goals.</summary>
    public bool IsMirroring { get { lock (_state) return _mirroring; } }

    /// <inheritdoc />
    public bool BeginMirroring()
    {
        lock (_state)
        {
            if (!IsConnected) throw new RobotHostException($"{_arm.Label} is not connected; call Connect() first");
            if (!_config.Mirror) return false;
            if (_mirroring) return true;
            // Goal = present, then torque on: the arm holds where the person left it and moves only as goals arrive.
            _arm.HoldAndEnableTorque();
            _mirroring = true;
            // As the follower: a crash on any thread or a process exit still lets the arm go limp.
            AppDomain.CurrentDomain.UnhandledException += OnProcessEnding;
            AppDomain.CurrentDomain.ProcessExit += OnProcessEnding;
            _log.LogInformation("{Arm} mirrors the follower (torque on)", _arm.Label);
            return true;
        }
    }

    /// <inheritdoc />
    public void Mirror(RobotAction goals)
    {
        lock (_state)
        {
            if (!_mirroring) return;
            // The follower's safety on the leader too: calibrated range and at most max_relative_target per call.
            _arm.WriteGoals(goals, _config.MaxRelativeTarget);
        }
    }

    /// <inheritdoc />
    public void EndMirroring()
    {
        lock (_state)
        {
            if (!_mirroring) return;
            _mirroring = false;
            Unhook();
            _arm.TorqueOff(bestEffort: true);
            _log.LogInformation("{Arm} released (torque off): the person moves it from here", _arm.Label);
        }
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        lock (_state)
        {
            if (_mirroring) Unhook();
            _mirroring = false;
            if (_arm.IsOpen)
            {
                _arm.TorqueOff(bestEffort: true);
                _arm.Close();
            }
            IsConnected = false;
        }
    }

    private void Unhook()
    {
        AppDomain.CurrentDomain.UnhandledException -= OnProcessEnding;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessEnding;
    }

    private void OnProcessEnding(object? sender, EventArgs e)
    {
        try { Disconnect(); }
        catch (Exception ex) { _log.LogError(ex, "{Arm}: torque off at process end failed", _arm.Label); }
    }

    /// <inheritdoc />
    public void Dispose() => Disconnect();
}
