using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Plugins.Robots.SO101.Transport;

namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>
/// Talks the Feetech SCS/STS protocol 0 over a transport: PING, READ, WRITE, REG_WRITE/ACTION, SYNC_READ, SYNC_WRITE.
/// A bad or missing reply is retried a bounded number of times (stale input dropped first), then a
/// <see cref="ServoBusException"/> names the motor, the register and the likely cause (baud, power, cable).
/// Severe status bits (overload, overheat, overcurrent) raise at once; voltage/angle bits are logged.
/// Thread-safe: one transaction at a time, so a watchdog or an e-stop may share the bus with the control loop.
/// </summary>
public sealed class FeetechBus : IDisposable
{
    private readonly IServoTransport _transport;
    private readonly ILogger _log;
    private readonly IReadOnlyDictionary<int, string> _names;
    private readonly Lock _gate = new();
    private readonly byte[] _tx = new byte[512];
    private readonly byte[] _rx = new byte[1024];
    private int _rxStart, _rxEnd;
    private readonly HashSet<(int, ServoStatusError)> _warned = [];

    // What the last failed attempt saw, for the final message.
    private int _attemptBytes;
    private int _attemptCorrupt;

    /// <summary>Creates a bus over an open transport (which the bus then owns).</summary>
    /// <param name="transport">Serial port, pseudo-terminal or in-memory fake.</param>
    /// <param name="options">Reply timeout and attempts.</param>
    /// <param name="logger">Where warnings go.</param>
    /// <param name="motorNames">Names by ID for messages (e.g. 2 → shoulder_lift).</param>
    public FeetechBus(IServoTransport transport, FeetechBusOptions? options = null, ILogger? logger = null, IReadOnlyDictionary<int, string>? motorNames = null)
    {
        _transport = transport;
        Options = options ?? new FeetechBusOptions();
        _log = logger ?? NullLogger.Instance;
        _names = motorNames ?? new Dictionary<int, string>();
    }

    /// <summary>Timing and retry policy.</summary>
    public FeetechBusOptions Options { get; }

    /// <summary>The transport underneath.</summary>
    public IServoTransport Transport => _transport;

    /// <summary>Transactions that needed more than one attempt since creation (noisy bus indicator).</summary>
    public int RetriedTransactions { get; private set; }

    /// <summary>Motor as shown in messages: <c>shoulder_lift (id 2)</c>.</summary>
    public string MotorLabel(int id) => _names.TryGetValue(id, out var name) ? $"{name} (id {id})" : $"motor id {id}";

    /// <summary>Pings one servo; returns true when it answers.</summary>
    public bool Ping(byte id, int attempts = 0)
    {
        lock (_gate)
        {
            var n = FeetechPacket.WriteInstruction(_tx, id, FeetechInstruction.Ping, []);
            try
            {
                Transact(n, [id], 0, attempts > 0 ? attempts : Options.Attempts, id, "PING", null);
                return true;
            }
            catch (ServoBusException e) when (e.Failure is ServoFailure.NoReply or ServoFailure.CorruptReply) { return false; }
        }
    }

    /// <summary>
    /// Pings the broadcast ID: every servo on the bus answers (protocol 0). Collects answers for the whole
    /// <paramref name="window"/> (default: the reply timeout), since nobody knows how many servos there are.
    /// </summary>
    public IReadOnlyList<int> BroadcastPing(TimeSpan? window = null)
    {
        lock (_gate)
        {
            ResetInput();
            var n = FeetechPacket.WriteInstruction(_tx, Sts3215.BroadcastId, FeetechInstruction.Ping, []);
            _transport.Write(_tx.AsSpan(0, n));
            var found = new SortedSet<int>();
            var deadline = DateTime.UtcNow + (window ?? Options.ReplyTimeout);
            while (DateTime.UtcNow < deadline)
            {
                if (TryTakePacket(out var id, out _, out var parameters) && parameters.Length == 0) { found.Add(id); continue; }
                if (!Fill(deadline - DateTime.UtcNow)) break;
            }
            return found.ToList();
        }
    }

    /// <summary>Reads a register of one servo (sign-magnitude decoded).</summary>
    public int Read(byte id, StsRegister register)
    {
        lock (_gate)
        {
            Span<byte> p = [register.Address, register.Size];
            var n = FeetechPacket.WriteInstruction(_tx, id, FeetechInstruction.Read, p);
            var values = new int[1];
            Transact(n, [id], register.Size, Options.Attempts, id, $"reading {register.Name}", (i, data) => values[i] = register.Decode(Raw(data)));
            return values[0];
        }
    }

    /// <summary>Writes a register of one servo and waits for its acknowledgement.</summary>
    /// <param name="ignoreFaults">Accept a reply with severe error bits (used to turn torque off on a faulted servo).</param>
    public void Write(byte id, StsRegister register, int value, bool ignoreFaults = false)
    {
        lock (_gate)
        {
            var n = BuildWrite(id, FeetechInstruction.Write, register, value);
            if (id == Sts3215.BroadcastId) { SendOnly(n); return; }
            Transact(n, [id], 0, Options.Attempts, id, $"writing {register.Name}", null, ignoreFaults);
        }
    }

    /// <summary>Stores a deferred write in one servo; it takes effect on <see cref="Action"/>.</summary>
    public void RegWrite(byte id, StsRegister register, int value)
    {
        lock (_gate)
        {
            var n = BuildWrite(id, FeetechInstruction.RegWrite, register, value);
            if (id == Sts3215.BroadcastId) { SendOnly(n); return; }
            Transact(n, [id], 0, Options.Attempts, id, $"reg-writing {register.Name}", null);
        }
    }

    /// <summary>Triggers deferred writes (broadcast by default: no reply).</summary>
    public void Action(byte id = Sts3215.BroadcastId)
    {
        lock (_gate)
        {
            var n = FeetechPacket.WriteInstruction(_tx, id, FeetechInstruction.Action, []);
            if (id == Sts3215.BroadcastId) { SendOnly(n); return; }
            Transact(n, [id], 0, Options.Attempts, id, "ACTION", null);
        }
    }

    /// <summary>Reads one register from several servos in one request; each answers in turn.</summary>
    public void SyncRead(StsRegister register, ReadOnlySpan<byte> ids, Span<int> values)
    {
        if (values.Length < ids.Length) throw new ArgumentException("values shorter than ids");
        lock (_gate)
        {
            Span<byte> p = stackalloc byte[2 + ids.Length];
            p[0] = register.Address;
            p[1] = register.Size;
            ids.CopyTo(p[2..]);
            var n = FeetechPacket.WriteInstruction(_tx, Sts3215.BroadcastId, FeetechInstruction.SyncRead, p);
            var results = new int[ids.Length];
            Transact(n, ids.ToArray(), register.Size, Options.Attempts, null, $"reading {register.Name}", (i, data) => results[i] = register.Decode(Raw(data)));
            results.CopyTo(values);
        }
    }

    /// <summary>Reads one register from several servos; values in the order of <paramref name="ids"/>.</summary>
    public int[] SyncRead(StsRegister register, ReadOnlySpan<byte> ids)
    {
        var values = new int[ids.Length];
        SyncRead(register, ids, values);
        return values;
    }

    /// <summary>Writes one register of several servos in one packet (no reply, so no retry is possible or needed).</summary>
    public void SyncWrite(StsRegister register, ReadOnlySpan<byte> ids, ReadOnlySpan<int> values)
    {
        if (values.Length != ids.Length) throw new ArgumentException($"{ids.Length} ids but {values.Length} values");
        lock (_gate)
        {
            var per = 1 + register.Size;
            Span<byte> p = stackalloc byte[2 + ids.Length * per];
            p[0] = register.Address;
            p[1] = register.Size;
            for (var i = 0; i < ids.Length; i++)
            {
                var slot = p.Slice(2 + i * per, per);
                slot[0] = ids[i];
                PutRaw(slot[1..], register, values[i], ids[i]);
            }
            var n = FeetechPacket.WriteInstruction(_tx, Sts3215.BroadcastId, FeetechInstruction.SyncWrite, p);
            SendOnly(n);
        }
    }

    private int BuildWrite(byte id, FeetechInstruction instruction, StsRegister register, int value)
    {
        Span<byte> p = stackalloc byte[1 + register.Size];
        p[0] = register.Address;
        PutRaw(p[1..], register, value, id);
        return FeetechPacket.WriteInstruction(_tx, id, instruction, p);
    }

    private void PutRaw(Span<byte> destination, StsRegister register, int value, int id)
    {
        int raw;
        try { raw = register.Encode(value); }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ServoBusException($"cannot write {value} to {register.Name} of {MotorLabel(id)}: {e.Message}", ServoFailure.CorruptReply, id, register.Name, inner: e);
        }
        if (register.Size == 1) destination[0] = (byte)raw;
        else BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)raw);
    }

    private static int Raw(ReadOnlySpan<byte> data) => data.Length == 1 ? data[0] : BinaryPrimitives.ReadUInt16LittleEndian(data);

    private void SendOnly(int length)
    {
        ResetInput();
        _transport.Write(_tx.AsSpan(0, length));
    }

    /// <summary>
    /// Sends the packet in <c>_tx</c> and collects one status per expected ID (in order), retrying the whole
    /// exchange when a reply is missing or corrupt. Packets from other IDs or of another size are stale and skipped.
    /// </summary>
    private void Transact(int length, byte[] expectedIds, int parameterCount, int attempts, int? motorId, string what,
        Action<int, ReadOnlySpan<byte>>? onData, bool ignoreFaults = false)
    {
        var failedAt = -1;
        var timedOut = false;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            ResetInput();
            _attemptBytes = 0;
            _attemptCorrupt = 0;
            _transport.Write(_tx.AsSpan(0, length));
            var deadline = DateTime.UtcNow + Options.ReplyTimeout;
            var ok = true;
            for (var i = 0; i < expectedIds.Length; i++)
            {
                if (!Receive(expectedIds[i], parameterCount, deadline, out var error, out var data)) { ok = false; failedAt = i; break; }
                onData?.Invoke(i, data);
                CheckStatus(expectedIds[i], error, what, ignoreFaults);
            }
            if (ok)
            {
                if (attempt > 1)
                {
                    RetriedTransactions++;
                    _log.LogDebug("{What} succeeded on attempt {Attempt}", what, attempt);
                    if (timedOut) DrainLateReplies();
                }
                return;
            }
            timedOut |= _attemptCorrupt == 0;
            _log.LogDebug("{What}: attempt {Attempt}/{Attempts} failed waiting for {Motor} ({Bytes} bytes, {Corrupt} corrupt packets)",
                what, attempt, attempts, MotorLabel(expectedIds[failedAt]), _attemptBytes, _attemptCorrupt);
        }
        var failure = Failure(expectedIds[failedAt], what, attempts);
        if (timedOut) DrainLateReplies();
        throw failure;
    }

    /// <summary>
    /// After a timed-out attempt its reply may still arrive, and the protocol has no sequence numbers: a late
    /// Present_Position reply looks exactly like the reply to the next 2-byte read of that servo. So wait until the
    /// line has been quiet for one reply timeout (bounded), and drop what came.
    /// </summary>
    private void DrainLateReplies()
    {
        var until = DateTime.UtcNow + Options.ReplyTimeout * (Options.Attempts + 2);
        var scratch = _rx.AsSpan();
        while (DateTime.UtcNow < until && _transport.Read(scratch, Options.ReplyTimeout) > 0) { }
        _rxStart = _rxEnd = 0;
    }

    private ServoBusException Failure(int id, string what, int attempts)
    {
        var port = $"{_transport.PortName} at {_transport.BaudRate} baud";
        var tries = $"after {attempts} attempt(s) of {Options.ReplyTimeout.TotalMilliseconds:F0} ms";
        if (_attemptCorrupt > 0)
            return new ServoBusException(
                $"{MotorLabel(id)} sent corrupt replies {what} on {port} {tries} (\"Incorrect status packet\"): check the bus cable and connectors and the power supply, then reconnect",
                ServoFailure.CorruptReply, id, RegisterOf(what));
        if (_attemptBytes > 0)
            return new ServoBusException(
                $"{MotorLabel(id)} did not answer {what} on {port} {tries}: bytes arrive but none forms a valid Feetech reply, so the servos probably use another baud rate than {_transport.BaudRate} (the SO-101 uses 1000000; `robothost setup-motors` sets it)",
                ServoFailure.NoReply, id, RegisterOf(what));
        return new ServoBusException(
            $"{MotorLabel(id)} did not answer {what} on {port} {tries}: nothing at all came back. Check that the servos are powered (the USB cable alone does not power them), that this motor is connected and has ID {id} (`robothost setup-motors`), that {_transport.PortName} is the arm's adapter (`robothost find-port`), and the baud rate (1000000)",
            ServoFailure.NoReply, id, RegisterOf(what));
    }

    private static string? RegisterOf(string what) => what.Split(' ') is [_, var register] ? register : null;

    private void CheckStatus(int id, ServoStatusError error, string what, bool ignoreFaults)
    {
        if (error == ServoStatusError.None) return;
        var severe = error & ServoStatusErrors.Severe;
        if (severe != ServoStatusError.None && !ignoreFaults)
            throw new ServoBusException(
                $"{MotorLabel(id)} reports {error.Describe()} {what}: the servo has dropped torque to protect itself; free the joint, let it cool, then reconnect",
                ServoFailure.ServoFault, id, RegisterOf(what), error);
        lock (_warned)
        {
            if (_warned.Add((id, error)))
                _log.LogWarning("{Motor} reports {Error} (status bits 0x{Bits:X2}) {What}", MotorLabel(id), error.Describe(), (int)error, what);
        }
    }

    private void ResetInput()
    {
        _rxStart = _rxEnd = 0;
        _transport.DiscardInput();
    }

    /// <summary>Waits for the status packet of <paramref name="id"/> with <paramref name="parameterCount"/> data bytes.</summary>
    private bool Receive(byte id, int parameterCount, DateTime deadline, out ServoStatusError error, out ReadOnlySpan<byte> data)
    {
        while (true)
        {
            while (TryTakePacket(out var gotId, out var gotError, out var parameters))
            {
                if (gotId != id || parameters.Length != parameterCount) continue; // a late reply to an earlier request
                error = gotError;
                data = parameters;
                return true;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !Fill(left))
            {
                error = ServoStatusError.None;
                data = default;
                return false;
            }
        }
    }

    /// <summary>Reads more bytes into the receive buffer; false on timeout.</summary>
    private bool Fill(TimeSpan timeout)
    {
        if (_rxStart > 0 && _rxEnd > _rx.Length / 2)
        {
            Buffer.BlockCopy(_rx, _rxStart, _rx, 0, _rxEnd - _rxStart);
            _rxEnd -= _rxStart;
            _rxStart = 0;
        }
        if (_rxEnd == _rx.Length) { _rxStart = _rxEnd = 0; } // garbage flood: drop it
        var n = _transport.Read(_rx.AsSpan(_rxEnd), timeout);
        _rxEnd += n;
        _attemptBytes += n;
        return n > 0;
    }

    /// <summary>Takes the next whole packet with a good checksum from the buffer, skipping corrupt ones.</summary>
    private bool TryTakePacket(out int id, out ServoStatusError error, out ReadOnlySpan<byte> parameters)
    {
        while (true)
        {
            var window = _rx.AsSpan(_rxStart, _rxEnd - _rxStart);
            var (start, length) = FeetechPacket.Find(window, out var checksumOk);
            if (start < 0) { _rxStart = _rxEnd; break; }
            _rxStart += start;
            if (length == 0) break;
            if (!checksumOk)
            {
                _attemptCorrupt++;
                _rxStart += 1; // resync after this header
                continue;
            }
            var packet = _rx.AsSpan(_rxStart, length);
            _rxStart += length;
            id = packet[2];
            error = (ServoStatusError)packet[4];
            parameters = packet[5..^1];
            return true;
        }
        id = 0;
        error = ServoStatusError.None;
        parameters = default;
        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate) _transport.Dispose();
    }
}
