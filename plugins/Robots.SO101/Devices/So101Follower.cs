using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Robots.SO101.Calibration;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>
/// The SO-101 follower arm (<c>so101_follower</c>): torque on with P/I/D 16/0/32, goals clamped to the calibrated
/// range and to <c>max_relative_target</c> from the present position, observations in LeRobot units.
/// Torque goes off on <see cref="Disconnect"/>, on a failed connect, and when the watchdog sees no action for
/// <c>watchdog_ms</c>; <see cref="Disconnect"/> may be called from any thread (e-stop).
/// </summary>
public sealed class So101Follower : IRobot
{
    private readonly So101FollowerConfig _config;
    private readonly So101Arm _arm;
    private readonly ILogger _log;
    private readonly IPluginContext _context;
    private readonly Lock _state = new();
    private Thread? _watchdog;
    private volatile bool _stopWatchdog;
    private long _lastAction; // Stopwatch ticks of the last SendAction, 0 before the first
    private volatile bool _watchdogTripped;

    /// <summary>Creates the follower (no hardware is touched before <see cref="Connect"/>).</summary>
    public So101Follower(So101FollowerConfig config, IPluginContext context)
    {
        _config = config;
        _context = context;
        _log = context.LoggerFactory.CreateLogger("so101_follower");
        _arm = new So101Arm(new ArmSettings
        {
            Port = config.Port,
            Id = config.Id,
            ConfigKey = "so101_follower",
            Category = "robots",
            DeviceName = "so_follower",
            CalibrationPath = CalibrationFile.PathFor(config.CalibrationDir, "robots", "so_follower", config.Id),
            UseDegrees = config.UseDegrees,
            Bus = new FeetechBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(config.ReplyTimeoutMs), Attempts = config.NumReadRetries + 1 },
            CliFlag = "--robot",
            FailSafeAfter = config.FailSafeAfter,
        }, context, _log);
    }

    /// <inheritdoc />
    public string RobotType => "so101_follower";

    /// <inheritdoc />
    public FeatureSpec StateFeature { get; } = So101Joints.Feature(FeatureKeys.State);

    /// <inheritdoc />
    public FeatureSpec ActionFeature { get; } = So101Joints.Feature(FeatureKeys.Action);

    /// <inheritdoc />
    public bool IsConnected { get; private set; }

    /// <summary>Where this arm's calibration file is.</summary>
    public string CalibrationPath => _arm.Settings.CalibrationPath;

    /// <summary>
    /// The bus fault that made the arm safe (torque off, goals refused) after <c>fail_safe_after</c> failed transactions
    /// in a row or a lost port; null while the bus works. Reconnect to resume.
    /// </summary>
    public ServoBusException? FailSafe => _arm.FailSafe;

    /// <summary>True after the watchdog turned torque off; reconnect to resume.</summary>
    public bool WatchdogTripped => _watchdogTripped;

    /// <summary>The bus, for diagnostics (retry counts) and benchmarks; null when disconnected.</summary>
    public FeetechBus? Bus => _arm.IsOpen ? _arm.Bus : null;

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
                _arm.Configure(_config.PositionPCoefficient, _config.PositionICoefficient, _config.PositionDCoefficient, limitGripper: true);
                _arm.HoldAndEnableTorque();
                _watchdogTripped = false;
                Interlocked.Exchange(ref _lastAction, 0);
                IsConnected = true;
                StartWatchdog();
                // Last line of defence: a crash on any thread or a process exit still turns torque off.
                AppDomain.CurrentDomain.UnhandledException += OnProcessEnding;
                AppDomain.CurrentDomain.ProcessExit += OnProcessEnding;
                _log.LogInformation("{Arm} connected on {Port}", _arm.Label, _config.Port);
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
    public Observation GetObservation()
    {
        var raw = ReadRaw();
        var values = new Dictionary<string, float>(So101Joints.Features.Count);
        for (var i = 0; i < raw.Length; i++) values[So101Joints.Features[i]] = _arm.ToUser(i, raw[i]);
        return new Observation { Values = values };
    }

    /// <inheritdoc />
    public RobotAction SendAction(RobotAction action)
    {
        EnsureConnected();
        if (_watchdogTripped)
            throw new RobotHostException($"{_arm.Label}: the watchdog turned torque off after {_config.WatchdogMs} ms without an action; disconnect and connect again to resume");
        var sent = _arm.WriteGoals(action, _config.MaxRelativeTarget);
        Interlocked.Exchange(ref _lastAction, Stopwatch.GetTimestamp());
        return sent;
    }

    private int[] ReadRaw()
    {
        EnsureConnected();
        return _arm.ReadRaw();
    }

    private void EnsureConnected()
    {
        if (!IsConnected) throw new RobotHostException($"{_arm.Label} is not connected; call Connect() first");
    }

    private void StartWatchdog()
    {
        if (_config.WatchdogMs <= 0) return;
        _stopWatchdog = false;
        _watchdog = new Thread(WatchdogLoop) { IsBackground = true, Name = $"so101 watchdog {_config.Id}" };
        _watchdog.Start();
    }

    private void WatchdogLoop()
    {
        var period = Math.Clamp(_config.WatchdogMs / 4, 5, 100);
        var limit = _config.WatchdogMs * Stopwatch.Frequency / 1000;
        while (!_stopWatchdog)
        {
            Thread.Sleep(period);
            var last = Interlocked.Read(ref _lastAction);
            if (last == 0 || _watchdogTripped || Stopwatch.GetTimestamp() - last <= limit) continue;
            lock (_state)
            {
                if (_stopWatchdog || !IsConnected) return;
                _watchdogTripped = true;
                _arm.TorqueOff(bestEffort: true);
            }
            _log.LogWarning("{Arm}: no action for {Ms} ms, torque off (watchdog)", _arm.Label, _config.WatchdogMs);
            _context.Operator.Say($"{_arm.Label}: no action for {_config.WatchdogMs} ms — torque turned off by the watchdog");
        }
    }

    private void OnProcessEnding(object? sender, EventArgs e)
    {
        try { Disconnect(); }
        catch (Exception ex) { _log.LogError(ex, "{Arm}: torque off at process end failed", _arm.Label); }
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        AppDomain.CurrentDomain.UnhandledException -= OnProcessEnding;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessEnding;
        _stopWatchdog = true;
        lock (_state)
        {
            if (_arm.IsOpen)
            {
                _arm.TorqueOff(bestEffort: true);
                _arm.Close();
                if (IsConnected) _log.LogInformation("{Arm} disconnected, torque off", _arm.Label);
            }
            IsConnected = false;
        }
        if (_watchdog is { } w && w != Thread.CurrentThread) w.Join(TimeSpan.FromSeconds(1));
        _watchdog = null;
    }

    /// <inheritdoc />
    public void Dispose() => Disconnect();
}
