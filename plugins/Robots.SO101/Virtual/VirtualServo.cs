using System.Buffers.Binary;
using System.Diagnostics;
using RobotHost.Plugins.Robots.SO101.Protocol;

namespace RobotHost.Plugins.Robots.SO101.Virtual;

/// <summary>
/// One emulated STS3215: its control table, an EEPROM lock, homing offset and position limits, and the joint's
/// motion — toward the goal at a bounded speed with torque on, passive (moved only "by hand") with torque off.
/// Present_Position = physical − Homing_Offset, wrapped to 0..4095 (LeRobot feetech.py: Present = Actual − Homing).
/// Access goes through <see cref="VirtualServoChain"/>'s lock.
/// </summary>
public sealed class VirtualServo
{
    /// <summary>Speed with torque on, steps/s (STS3215 at 12 V: ~0.22 s/60° ≈ 3000 steps/s).</summary>
    public const double MaxSpeed = 3000;

    private readonly byte[] _table = new byte[256];
    private readonly List<(byte Address, byte[] Data)> _pending = [];
    private double _physical;
    private long _lastUpdate = Stopwatch.GetTimestamp();
    private readonly object _sync;

    /// <summary>Creates a servo at factory settings with ID <paramref name="id"/> whose shaft sits at <paramref name="physicalPosition"/>.</summary>
    /// <param name="id">Servo ID.</param>
    /// <param name="physicalPosition">Shaft position in encoder steps.</param>
    /// <param name="sync">Lock shared with the chain that serves the bus.</param>
    public VirtualServo(int id, int physicalPosition = Sts3215.HalfTurn, object? sync = null)
    {
        _sync = sync ?? new object();
        Put(Sts3215.FirmwareMajorVersion, 3);
        Put(Sts3215.FirmwareMinorVersion, 10);
        Put(Sts3215.ModelNumberRegister, Sts3215.ModelNumber);
        Put(Sts3215.Id, id);
        Put(Sts3215.BaudRate, 0);
        Put(Sts3215.ReturnDelayTime, 250); // factory: 500 µs (LeRobot configure_motors sets 0)
        Put(Sts3215.MinPositionLimit, 0);
        Put(Sts3215.MaxPositionLimit, Sts3215.MaxPosition);
        Put(Sts3215.MaxTemperatureLimit, 70);
        Put(Sts3215.MaxTorqueLimit, 1000);
        Put(Sts3215.Phase, 0x1C);
        Put(Sts3215.PCoefficient, 32);
        Put(Sts3215.DCoefficient, 32);
        Put(Sts3215.ICoefficient, 0);
        Put(Sts3215.ProtectionCurrent, 500);
        Put(Sts3215.OverloadTorque, 80);
        Put(Sts3215.TorqueLimit, 1000);
        Put(Sts3215.Lock, 1);
        Put(Sts3215.PresentVoltage, 120);
        Put(Sts3215.PresentTemperature, 30);
        _physical = physicalPosition;
        Refresh();
        Put(Sts3215.GoalPosition, ComputePresent());
    }

    /// <summary>The servo's ID register.</summary>
    public int Id { get { lock (_sync) return Get(Sts3215.Id); } }

    /// <summary>True when the servo does not answer at all (unplugged from the daisy chain, or unpowered).</summary>
    public bool Missing { get; set; }

    /// <summary>Error bits injected into every reply (overload, overheat…); severe ones drop torque as a real servo does.</summary>
    public ServoStatusError InjectedError
    {
        get => _error;
        set
        {
            lock (_sync)
            {
                _error = value;
                DropTorqueIfFaulted();
                Refresh();
            }
        }
    }

    private ServoStatusError _error;

    /// <summary>Torque_Enable.</summary>
    public bool TorqueEnabled { get { lock (_sync) return Get(Sts3215.TorqueEnable) != 0; } }

    /// <summary>Lock (EEPROM write protection).</summary>
    public bool Locked { get { lock (_sync) return Get(Sts3215.Lock) != 0; } }

    /// <summary>Present_Position (present frame, 0..4095).</summary>
    public int PresentPosition { get { lock (_sync) { Advance(); return ComputePresent(); } } }

    private int ComputePresent() => Wrap((int)Math.Round(_physical) - Get(Sts3215.HomingOffset));

    /// <summary>Goal_Position as last written.</summary>
    public int GoalPosition { get { lock (_sync) return Get(Sts3215.GoalPosition); } }

    /// <summary>Homing_Offset.</summary>
    public int HomingOffset { get { lock (_sync) return Get(Sts3215.HomingOffset); } }

    /// <summary>Min_Position_Limit.</summary>
    public int MinPositionLimit { get { lock (_sync) return Get(Sts3215.MinPositionLimit); } }

    /// <summary>Max_Position_Limit.</summary>
    public int MaxPositionLimit { get { lock (_sync) return Get(Sts3215.MaxPositionLimit); } }

    /// <summary>Baud rate this servo listens at (Baud_Rate register).</summary>
    public int BaudRate { get { lock (_sync) return Sts3215.BaudOfCode(Get(Sts3215.BaudRate)); } }

    /// <summary>Smallest and largest Goal_Position ever written (null before any), to check that goals stayed within limits.</summary>
    public (int Min, int Max)? GoalsWritten { get; private set; }

    /// <summary>Number of Goal_Position writes received.</summary>
    public int GoalWrites { get; private set; }

    /// <summary>Number of Present_Position reads answered.</summary>
    public int PresentPositionReads { get; internal set; }

    /// <summary>When true, every Goal_Position write is kept in <see cref="GoalLog"/> (off by default: the log grows).</summary>
    public bool RecordGoals { get; set; }

    /// <summary>
    /// Each Goal_Position write received while <see cref="RecordGoals"/> was on, decoded from the bytes on the bus, with
    /// the Present_Position this servo last reported to the host (what a driver bases a step limit on).
    /// </summary>
    public IReadOnlyList<(int Goal, int ReportedPresent)> GoalLog { get { lock (_sync) return _goalLog.ToList(); } }

    private readonly List<(int Goal, int ReportedPresent)> _goalLog = [];
    private int? _reportedPresent;

    /// <summary>A register's decoded value, bypassing the protocol (test setup and assertions).</summary>
    public int Get(StsRegister register)
    {
        lock (_sync) return GetUnlocked(register);
    }

    private int GetUnlocked(StsRegister register)
    {
        var raw = register.Size == 1 ? _table[register.Address] : BinaryPrimitives.ReadUInt16LittleEndian(_table.AsSpan(register.Address));
        return register.Decode(raw);
    }

    /// <summary>Sets a register, bypassing the protocol and the lock (test setup, e.g. a pre-calibrated arm).</summary>
    public void Put(StsRegister register, int value)
    {
        lock (_sync) PutUnlocked(register, value);
    }

    private void PutUnlocked(StsRegister register, int value)
    {
        var raw = register.Encode(value);
        if (register.Size == 1) _table[register.Address] = (byte)raw;
        else BinaryPrimitives.WriteUInt16LittleEndian(_table.AsSpan(register.Address), (ushort)raw);
    }

    /// <summary>Moves the joint by hand so that it reads <paramref name="presentPosition"/> (torque on: the servo pulls back toward its goal).</summary>
    public void MoveByHand(int presentPosition)
    {
        lock (_sync)
        {
            Advance();
            _physical = presentPosition + Get(Sts3215.HomingOffset);
            Refresh();
        }
    }

    /// <summary>Where the shaft physically is, in encoder steps (before the homing offset).</summary>
    public double PhysicalPosition { get { lock (_sync) { Advance(); return _physical; } } }

    /// <summary>Puts the shaft at a physical encoder position (by hand).</summary>
    public void SetPhysicalPosition(double position)
    {
        lock (_sync)
        {
            Advance();
            _physical = position;
            Refresh();
        }
    }

    /// <summary>Lets time pass for the joint: with torque on it moves toward its goal at <see cref="MaxSpeed"/>.</summary>
    internal void Advance()
    {
        var now = Stopwatch.GetTimestamp();
        var dt = (now - _lastUpdate) / (double)Stopwatch.Frequency;
        _lastUpdate = now;
        if (Get(Sts3215.TorqueEnable) != 0 && dt > 0)
        {
            var target = ClampToLimits(Get(Sts3215.GoalPosition)) + Get(Sts3215.HomingOffset);
            var diff = target - _physical;
            var step = MaxSpeed * dt;
            _physical = Math.Abs(diff) <= step ? target : _physical + Math.Sign(diff) * step;
            Put(Sts3215.Moving, Math.Abs(diff) > step ? 1 : 0);
        }
        else Put(Sts3215.Moving, 0);
        Refresh();
    }

    private int ClampToLimits(int goal)
    {
        int min = Get(Sts3215.MinPositionLimit), max = Get(Sts3215.MaxPositionLimit);
        return max > min ? Math.Clamp(goal, min, max) : goal;
    }

    private void Refresh()
    {
        Put(Sts3215.PresentPosition, ComputePresent());
        Put(Sts3215.PresentLoad, (_error & ServoStatusError.Overload) != 0 ? 1000 : 0);
    }

    /// <summary>Copies <paramref name="length"/> bytes of the table from <paramref name="address"/>.</summary>
    internal byte[] ReadTable(int address, int length)
    {
        Advance();
        if (address <= Sts3215.PresentPosition.Address && address + length > Sts3215.PresentPosition.Address)
        {
            PresentPositionReads++;
            _reportedPresent = ComputePresent();
        }
        var end = Math.Min(256, address + length);
        var data = new byte[length];
        _table.AsSpan(address, Math.Max(0, end - address)).CopyTo(data);
        return data;
    }

    /// <summary>Applies a WRITE: EEPROM addresses are ignored while Lock is 1, read-only ones always.</summary>
    internal void WriteTable(int address, ReadOnlySpan<byte> data)
    {
        Advance();
        for (var i = 0; i < data.Length; i++)
        {
            var a = address + i;
            if (a is >= 0 and <= 4) continue; // firmware and model number: read only
            if (a >= Sts3215.PresentPosition.Address && a != Sts3215.MaximumAcceleration.Address && a != 80 && a != 81 && a != 82 && a != 83 && a != 84 && a != 86) continue;
            if (a < Sts3215.TorqueEnable.Address && _table[Sts3215.Lock.Address] != 0) continue;
            _table[a] = data[i];
        }
        if (address <= Sts3215.GoalPosition.Address && address + data.Length >= Sts3215.GoalPosition.Address + 2)
        {
            var goal = Get(Sts3215.GoalPosition);
            GoalWrites++;
            GoalsWritten = GoalsWritten is { } g ? (Math.Min(g.Min, goal), Math.Max(g.Max, goal)) : (goal, goal);
            if (RecordGoals) _goalLog.Add((goal, _reportedPresent ?? ComputePresent()));
        }
        if ((_error & ServoStatusErrors.Severe) != 0) _table[Sts3215.TorqueEnable.Address] = 0;
        Refresh();
    }

    internal void RegWrite(int address, ReadOnlySpan<byte> data) => _pending.Add(((byte)address, data.ToArray()));

    internal void ApplyPending()
    {
        foreach (var (address, data) in _pending) WriteTable(address, data);
        _pending.Clear();
    }

    /// <summary>Called when a severe error is injected: a real servo unloads.</summary>
    internal void DropTorqueIfFaulted()
    {
        if ((_error & ServoStatusErrors.Severe) != 0) _table[Sts3215.TorqueEnable.Address] = 0;
    }

    private static int Wrap(int position) => ((position % Sts3215.Resolution) + Sts3215.Resolution) % Sts3215.Resolution;
}
