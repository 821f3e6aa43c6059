using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Robots.SO101.Calibration;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Transport;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>What a follower or a leader arm needs to open its bus and find its calibration.</summary>
internal sealed record ArmSettings
{
    public required string Port { get; init; }
    public required string Id { get; init; }
    public required string ConfigKey { get; init; }
    /// <summary>LeRobot's category folder: robots or teleoperators.</summary>
    public required string Category { get; init; }
    /// <summary>LeRobot's device name folder: so_follower or so_leader.</summary>
    public required string DeviceName { get; init; }
    public required string CalibrationPath { get; init; }
    public required bool UseDegrees { get; init; }
    public required FeetechBusOptions Bus { get; init; }
    /// <summary>The CLI flag that names this device in `robothost calibrate`: --robot or --teleop.</summary>
    public required string CliFlag { get; init; }
    /// <summary>Failed bus transactions in a row after which the arm makes itself safe (torque off, goals refused).</summary>
    public int FailSafeAfter { get; init; } = 3;
}

/// <summary>
/// The parts the SO-101 follower and leader share: bus opening and handshake, calibration (verify, or run the guided
/// LeRobot procedure), unit conversion, torque on/off. Not thread-safe by itself beyond the bus's own lock.
/// </summary>
internal sealed class So101Arm : IDisposable
{
    private readonly ArmSettings _settings;
    private readonly IPluginContext _context;
    private readonly ILogger _log;
    private FeetechBus? _bus;
    private int _failedInARow;
    private volatile ServoBusException? _failSafe;
    private readonly Lock _failSafeLock = new();

    public So101Arm(ArmSettings settings, IPluginContext context, ILogger log)
    {
        _settings = settings;
        _context = context;
        _log = log;
    }

    /// <summary>"so101_follower 'my_arm'" for messages.</summary>
    public string Label => $"{_settings.ConfigKey} '{_settings.Id}'";

    public ArmSettings Settings => _settings;

    public FeetechBus Bus => _bus ?? throw new InvalidOperationException($"{Label} is not connected");

    public bool IsOpen => _bus is not null;

    /// <summary>The calibration in use (after <see cref="LoadAndVerifyCalibration"/> or <see cref="Calibrate"/>).</summary>
    public IReadOnlyDictionary<string, MotorCalibration>? Calibration { get; private set; }

    /// <summary>The command that recalibrates this arm, for messages.</summary>
    public string CalibrateCommand =>
        $"robothost calibrate {_settings.CliFlag} {_settings.ConfigKey} {_settings.CliFlag}-option port={_settings.Port} {_settings.CliFlag}-option id={_settings.Id}";

    /// <summary>Opens the port and checks that the six servos answer as STS3215s.</summary>
    public void Open()
    {
        _failSafe = null;
        _failedInARow = 0;
        var transport = SerialServoTransport.Open(_settings.Port, Sts3215.DefaultBaudRate);
        _bus = new FeetechBus(transport, _settings.Bus, _log, So101Joints.NamesById);
        try
        {
            var missing = new List<string>();
            foreach (var id in So101Joints.Ids)
                if (!Bus.Ping(id)) missing.Add(Bus.MotorLabel(id));
            if (missing.Count == So101Joints.Ids.Length)
            {
                // Let the bus explain: nothing at all, or bytes at the wrong baud.
                Bus.Read(So101Joints.Ids[0], Sts3215.ModelNumberRegister);
            }
            if (missing.Count > 0)
                throw new RobotHostException($"{Label} on {_settings.Port}: {string.Join(", ", missing)} did not answer; check that motor's cable and that its ID was set (`robothost setup-motors --port {_settings.Port}`)");
            foreach (var id in So101Joints.Ids)
            {
                var model = Bus.Read(id, Sts3215.ModelNumberRegister);
                if (model != Sts3215.ModelNumber)
                    throw new RobotHostException($"{Label}: {Bus.MotorLabel(id)} has model number {model}, not an STS3215 ({Sts3215.ModelNumber}); is {_settings.Port} the SO-101's adapter?");
            }
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <summary>The raw Homing_Offset / limits stored in the motors, as LeRobot's read_calibration.</summary>
    public Dictionary<string, MotorCalibration> ReadMotorCalibration()
    {
        var result = new Dictionary<string, MotorCalibration>();
        for (var i = 0; i < So101Joints.Motors.Count; i++)
        {
            var id = So101Joints.Ids[i];
            result[So101Joints.Motors[i]] = new MotorCalibration(id, 0,
                Bus.Read(id, Sts3215.HomingOffset), Bus.Read(id, Sts3215.MinPositionLimit), Bus.Read(id, Sts3215.MaxPositionLimit));
        }
        return result;
    }

    /// <summary>Loads the file and compares it with the motors (LeRobot is_calibrated); refuses to run on a mismatch.</summary>
    public void LoadAndVerifyCalibration()
    {
        var path = _settings.CalibrationPath;
        if (!File.Exists(path))
            throw new RobotHostException($"{Label} has no calibration file ({path}); calibrate it first: `{CalibrateCommand}`");
        var file = CalibrationFile.Load(path);
        var motors = ReadMotorCalibration();
        var differences = new List<string>();
        foreach (var motor in So101Joints.Motors)
        {
            var f = file[motor];
            var m = motors[motor];
            if (f.Id != m.Id) differences.Add($"{motor} id file {f.Id} vs bus {m.Id}");
            if (f.HomingOffset != m.HomingOffset) differences.Add($"{motor} homing_offset file {f.HomingOffset} vs motor {m.HomingOffset}");
            if (f.RangeMin != m.RangeMin) differences.Add($"{motor} range_min file {f.RangeMin} vs motor {m.RangeMin}");
            if (f.RangeMax != m.RangeMax) differences.Add($"{motor} range_max file {f.RangeMax} vs motor {m.RangeMax}");
            if (f.RangeMax <= f.RangeMin) differences.Add($"{motor} has an empty range in the file ({f.RangeMin}..{f.RangeMax})");
        }
        if (differences.Count > 0)
            throw new RobotHostException(
                $"calibration mismatch for {Label}: the file {path} does not match the motors on {_settings.Port} ({string.Join("; ", differences.Take(6))}{(differences.Count > 6 ? "; …" : "")}). " +
                $"The file may belong to another arm (check id= and port=), or the motors were reset; recalibrate: `{CalibrateCommand}`");
        Calibration = file;
    }

    /// <summary>
    /// LeRobot's guided calibration through the operator: middle pose → half-turn homing offsets (present − 2047);
    /// sweep every joint but wrist_roll → min/max; write to the motors (Lock 0 → write → Lock 1) and save the file.
    /// </summary>
    public void Calibrate(CancellationToken cancel = default)
    {
        var op = _context.Operator;
        TorqueOff(bestEffort: false);
        foreach (var id in So101Joints.Ids) Bus.Write(id, Sts3215.OperatingMode, 0);

        op.Say($"Calibrating {Label} on {_settings.Port}.");
        Require(op.Ask($"Move {Label} to the middle of its range of motion and press ENTER...", cancel));

        // Reset to factory calibration so Present_Position is the raw shaft position (LeRobot reset_calibration).
        foreach (var id in So101Joints.Ids)
        {
            Bus.Write(id, Sts3215.HomingOffset, 0);
            Bus.Write(id, Sts3215.MinPositionLimit, 0);
            Bus.Write(id, Sts3215.MaxPositionLimit, Sts3215.MaxPosition);
        }
        var middle = Bus.SyncRead(Sts3215.PresentPosition, So101Joints.Ids);
        var offsets = middle.Select(p => p - Sts3215.HalfTurn).ToArray();
        var beyond = offsets.Select((o, i) => (o, i)).Where(p => Math.Abs(p.o) > Sts3215.MaxHomingOffset).ToList();
        if (beyond.Count > 0)
            throw new RobotHostException("cannot calibrate " + Label + ": " + string.Join("; ", beyond.Select(p =>
                $"'{So101Joints.Motors[p.i]}' reads {middle[p.i]}, so its homing offset would be {p.o}, beyond ±{Sts3215.MaxHomingOffset}")) +
                $". Move {string.Join(", ", beyond.Select(p => $"'{So101Joints.Motors[p.i]}'"))} toward the middle of its range and calibrate again");
        for (var i = 0; i < offsets.Length; i++) Bus.Write(So101Joints.Ids[i], Sts3215.HomingOffset, offsets[i]);

        op.Say($"Move all joints except '{So101Joints.FullTurnMotor}' sequentially through their entire ranges of motion. Recording positions...");
        var (mins, maxes) = RecordRanges(op, cancel);
        var fullTurn = So101Joints.Motors.ToList().IndexOf(So101Joints.FullTurnMotor);
        var still = Enumerable.Range(0, So101Joints.Motors.Count).Where(i => i != fullTurn && mins[i] == maxes[i]).Select(i => So101Joints.Motors[i]).ToList();
        if (still.Count > 0)
            throw new RobotHostException($"cannot calibrate {Label}: {string.Join(", ", still)} did not move (same min and max); move every joint through its whole range while recording");
        mins[fullTurn] = 0;
        maxes[fullTurn] = Sts3215.MaxPosition;

        var calibration = new Dictionary<string, MotorCalibration>();
        for (var i = 0; i < So101Joints.Motors.Count; i++)
            calibration[So101Joints.Motors[i]] = new MotorCalibration(So101Joints.Ids[i], 0, offsets[i], mins[i], maxes[i]);
        WriteCalibration(calibration);
        CalibrationFile.Save(_settings.CalibrationPath, calibration);
        Calibration = calibration;
        foreach (var (motor, c) in calibration)
            op.Say($"  {motor,-14} homing_offset {c.HomingOffset,5}  range {c.RangeMin,4}..{c.RangeMax,-4}");
        op.Say($"Calibration saved to {_settings.CalibrationPath}");
    }

    private static void Require(string? answer)
    {
        if (answer is null)
            throw new RobotHostException("calibration needs a person at the arm to answer prompts; run `robothost calibrate` in a terminal");
    }

    private (int[] Mins, int[] Maxes) RecordRanges(IOperatorConsole op, CancellationToken cancel)
    {
        var start = ReadRawWithRetries();
        var mins = (int[])start.Clone();
        var maxes = (int[])start.Clone();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var enter = Task.Run(() => op.Ask("Press ENTER to stop recording...", stop.Token), CancellationToken.None);
        try
        {
            while (true)
            {
                var done = enter.IsCompleted;
                var now = ReadRawWithRetries();
                for (var i = 0; i < now.Length; i++)
                {
                    mins[i] = Math.Min(mins[i], now[i]);
                    maxes[i] = Math.Max(maxes[i], now[i]);
                }
                if (done) break;
                cancel.ThrowIfCancellationRequested();
                enter.Wait(20, CancellationToken.None);
            }
        }
        finally
        {
            stop.Cancel();
        }
        Require(enter.IsCompletedSuccessfully ? enter.Result : null);
        return (mins, maxes);
    }

    private int[] ReadRawWithRetries()
    {
        // LeRobot records ranges with num_retry=5: a noisy read must not abort a calibration.
        for (var attempt = 1; ; attempt++)
        {
            try { return Bus.SyncRead(Sts3215.PresentPosition, So101Joints.Ids); }
            catch (ServoBusException e) when (attempt < 3 && e.Failure is ServoFailure.CorruptReply or ServoFailure.NoReply) { }
        }
    }

    /// <summary>Writes offsets and limits to the motors: Lock 0 → Homing_Offset, Min, Max → Lock 1.</summary>
    public void WriteCalibration(IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        foreach (var (_, c) in calibration)
        {
            var id = (byte)c.Id;
            Bus.Write(id, Sts3215.Lock, 0);
            Bus.Write(id, Sts3215.HomingOffset, c.HomingOffset);
            Bus.Write(id, Sts3215.MinPositionLimit, c.RangeMin);
            Bus.Write(id, Sts3215.MaxPositionLimit, c.RangeMax);
            Bus.Write(id, Sts3215.Lock, 1);
        }
    }

    /// <summary>LeRobot configure_motors (+ the follower's PID and gripper limits), with torque off.</summary>
    public void Configure(int? p = null, int? i = null, int? d = null, bool limitGripper = false)
    {
        TorqueOff(bestEffort: false);
        foreach (var id in So101Joints.Ids)
        {
            Bus.Write(id, Sts3215.ReturnDelayTime, 0); // factory 500 µs → 2 µs
            Bus.Write(id, Sts3215.MaximumAcceleration, 254);
            Bus.Write(id, Sts3215.Acceleration, 254);
            var phase = Bus.Read(id, Sts3215.Phase);
            if ((phase & 0x10) != 0) Bus.Write(id, Sts3215.Phase, phase & ~0x10); // positions stay in 0..4095
            Bus.Write(id, Sts3215.OperatingMode, 0);
            if (p is { } pv) Bus.Write(id, Sts3215.PCoefficient, pv);
            if (i is { } iv) Bus.Write(id, Sts3215.ICoefficient, iv);
            if (d is { } dv) Bus.Write(id, Sts3215.DCoefficient, dv);
        }
        if (limitGripper)
        {
            var gripper = So101Joints.Ids[^1];
            Bus.Write(gripper, Sts3215.MaxTorqueLimit, 500);    // 50 % torque: the gripper must not burn out (so_follower.py)
            Bus.Write(gripper, Sts3215.ProtectionCurrent, 250);
            Bus.Write(gripper, Sts3215.OverloadTorque, 25);
        }
    }

    /// <summary>Holds the present pose (goal = present) and turns torque on, so nothing jumps.</summary>
    public void HoldAndEnableTorque()
    {
        var present = Bus.SyncRead(Sts3215.PresentPosition, So101Joints.Ids);
        var goals = ClampRaw(present);
        Bus.SyncWrite(Sts3215.GoalPosition, So101Joints.Ids, goals);
        foreach (var id in So101Joints.Ids)
        {
            Bus.Write(id, Sts3215.TorqueEnable, 1);
            Bus.Write(id, Sts3215.Lock, 1);
        }
    }

    /// <summary>
    /// Torque off on every motor: first a broadcast SYNC_WRITE (needs no reply, so it works on a noisy bus), then a
    /// checked write per motor (LeRobot disable_torque: Torque_Enable 0, Lock 0). With <paramref name="bestEffort"/>
    /// failures are logged, never thrown (disconnect, e-stop, watchdog).
    /// </summary>
    public void TorqueOff(bool bestEffort)
    {
        if (_bus is null) return;
        try
        {
            _bus.SyncWrite(Sts3215.TorqueEnable, So101Joints.Ids, [0, 0, 0, 0, 0, 0]);
        }
        catch (Exception e) when (bestEffort)
        {
            _log.LogWarning(e, "{Arm}: broadcast torque off failed", Label);
            return; // the port is gone: nothing more can reach the motors
        }
        foreach (var id in So101Joints.Ids)
        {
            try
            {
                _bus.Write(id, Sts3215.TorqueEnable, 0, ignoreFaults: true);
                _bus.Write(id, Sts3215.Lock, 0, ignoreFaults: true);
            }
            catch (ServoBusException e) when (bestEffort)
            {
                _log.LogWarning("{Arm}: torque off of {Motor} not confirmed: {Message}", Label, _bus.MotorLabel(id), e.Message);
                if (e.Failure == ServoFailure.PortLost) return;
            }
        }
    }

    /// <summary>
    /// Writes goal positions for the joints <paramref name="action"/> names: each goal capped to <paramref name="maxStep"/>
    /// from the present position (LeRobot ensure_safe_goal_position, user units) and to the calibrated range. Returns the
    /// goals really written, in user units.
    /// </summary>
    /// <exception cref="RobotHostException">A goal is not a finite number, or the action names none of the arm's joints.</exception>
    public RobotAction WriteGoals(RobotAction action, float? maxStep)
    {
        var indices = new List<int>();
        var goals = new List<float>();
        for (var i = 0; i < So101Joints.Features.Count; i++)
        {
            if (!action.Values.TryGetValue(So101Joints.Features[i], out var goal)) continue;
            if (!float.IsFinite(goal))
                throw new RobotHostException($"{Label}: action {So101Joints.Features[i]} is {goal}; actions must be finite numbers");
            indices.Add(i);
            goals.Add(goal);
        }
        if (indices.Count == 0)
            throw new RobotHostException($"{Label}: the action has none of {string.Join(", ", So101Joints.Features)} (got {string.Join(", ", action.Values.Keys)})");

        if (maxStep is { } cap)
        {
            var present = ReadRaw();
            for (var k = 0; k < indices.Count; k++)
            {
                var now = ToUser(indices[k], present[indices[k]]);
                goals[k] = Math.Clamp(goals[k], now - cap, now + cap);
            }
        }
        var ids = new byte[indices.Count];
        var raw = new int[indices.Count];
        var sent = new Dictionary<string, float>(indices.Count);
        for (var k = 0; k < indices.Count; k++)
        {
            var i = indices[k];
            ids[k] = So101Joints.Ids[i];
            raw[k] = ToRawClamped(i, goals[k]); // never outside the calibrated range
            sent[So101Joints.Features[i]] = ToUser(i, raw[k]);
        }
        Transaction(() => Bus.SyncWrite(Sts3215.GoalPosition, ids, raw));
        return new RobotAction(sent);
    }


    /// <summary>Present positions, raw steps in motor order (a guarded <see cref="Transaction{T}"/>).</summary>
    public int[] ReadRaw() => Transaction(() => Bus.SyncRead(Sts3215.PresentPosition, So101Joints.Ids));

    /// <summary>The error that made the arm safe, or null while it works; cleared by <see cref="Open"/> (reconnect).</summary>
    public ServoBusException? FailSafe => _failSafe;

    /// <summary>
    /// One bus transaction of the running arm (reading positions, writing goals). A device that loses its bus makes
    /// itself safe: after <see cref="ArmSettings.FailSafeAfter"/> failed transactions in a row — at once when the port
    /// itself is gone — it turns torque off (best effort) and from then on refuses every transaction, naming the port,
    /// the servo and the fault, until it is disconnected and connected again. A success resets the count.
    /// </summary>
    public T Transaction<T>(Func<T> transaction)
    {
        if (_failSafe is { } tripped)
            throw new ServoBusException($"{Label} on {_settings.Port} refuses goals and reads since it made itself safe; disconnect and connect again once the bus is fixed. {tripped.Message}",
                tripped.Failure, tripped.MotorId, tripped.Register, tripped.Status, tripped);
        try
        {
            var result = transaction();
            Interlocked.Exchange(ref _failedInARow, 0);
            return result;
        }
        catch (ServoBusException e)
        {
            var failures = Interlocked.Increment(ref _failedInARow);
            if (failures < Math.Max(1, _settings.FailSafeAfter) && e.Failure != ServoFailure.PortLost) throw;
            throw MakeSafe(e, failures);
        }
    }

    /// <summary>A <see cref="Transaction{T}"/> without a result (goal writes).</summary>
    public void Transaction(Action transaction) => Transaction(() => { transaction(); return 0; });

    private ServoBusException MakeSafe(ServoBusException cause, int failures)
    {
        lock (_failSafeLock)
        {
            if (_failSafe is { } already) return already;
            TorqueOff(bestEffort: true);
            var servo = cause.MotorId is { } id && _bus is { } bus ? bus.MotorLabel(id) : "every servo on the port";
            var safe = new ServoBusException(
                $"{Label} on {_settings.Port} made itself safe after {failures} failed bus transaction(s) in a row: torque off (best effort), goals refused until it is disconnected and connected again. " +
                $"Servo: {servo}; fault: {cause.Failure}: {cause.Message}",
                cause.Failure, cause.MotorId, cause.Register, cause.Status, cause);
            _failSafe = safe;
            _log.LogError("{Arm} on {Port}: {Failures} failed bus transactions in a row, torque off and goals refused ({Servo}: {Fault})",
                Label, _settings.Port, failures, servo, cause.Message);
            return safe;
        }
    }

    private JointUnit UnitOf(int index) =>
        So101Joints.Motors[index] == So101Joints.Gripper ? JointUnit.Range0To100 : _settings.UseDegrees ? JointUnit.Degrees : JointUnit.RangeM100To100;

    private MotorCalibration CalibrationOf(int index) =>
        (Calibration ?? throw new InvalidOperationException($"{Label} has no calibration"))[So101Joints.Motors[index]];

    /// <summary>Raw steps → user units (degrees / −100..100, gripper 0..100).</summary>
    public float ToUser(int index, int raw) => JointUnits.ToUser(raw, CalibrationOf(index), UnitOf(index));

    /// <summary>User units → raw steps, clamped to the calibrated range.</summary>
    public int ToRawClamped(int index, float value)
    {
        var c = CalibrationOf(index);
        return Math.Clamp(JointUnits.ToRaw(value, c, UnitOf(index)), c.RangeMin, c.RangeMax);
    }

    /// <summary>Raw goals clamped to each motor's calibrated range (or left alone before calibration).</summary>
    public int[] ClampRaw(int[] raw)
    {
        if (Calibration is null) return raw;
        var result = new int[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var c = CalibrationOf(i);
            result[i] = Math.Clamp(raw[i], c.RangeMin, c.RangeMax);
        }
        return result;
    }

    /// <summary>Releases the port (torque must already be off).</summary>
    public void Close()
    {
        var bus = Interlocked.Exchange(ref _bus, null);
        bus?.Dispose();
    }

    public void Dispose() => Close();
}
