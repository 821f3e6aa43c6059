using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Robots.SO101.Calibration;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>
/// The SO-101 leader arm (<c>so101_leader</c>): torque off, moved by hand; each action is its calibrated joint
/// positions in LeRobot units, matching <c>so101_follower</c>'s action names.
/// </summary>
public sealed class So101Leader : ITeleoperator
{
    private readonly So101Arm _arm;
    private readonly ILogger _log;
    private readonly Lock _state = new();

    /// <summary>Creates the leader (no hardware is touched before <see cref="Connect"/>).</summary>
    public So101Leader(So101LeaderConfig config, IPluginContext context)
    {
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
    public FeatureSpec ActionFeature { get; } = FeatureSpec.Vector(FeatureKeys.Action, So101Joints.Features);

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

    /// <inheritdoc />
    public void Disconnect()
    {
        lock (_state)
        {
            if (_arm.IsOpen)
            {
                _arm.TorqueOff(bestEffort: true);
                _arm.Close();
            }
            IsConnected = false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Disconnect();
}
