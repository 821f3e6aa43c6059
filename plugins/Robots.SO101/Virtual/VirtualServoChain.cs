using RobotHost.Plugins.Robots.SO101.Protocol;

namespace RobotHost.Plugins.Robots.SO101.Virtual;

/// <summary>
/// A daisy chain of emulated STS3215 servos that reads instruction bytes and produces the status bytes real servos
/// would send: PING (also broadcast), READ, WRITE, REG_WRITE/ACTION, SYNC_READ, SYNC_WRITE, Return_Delay_Time,
/// and the faults field reports describe (dropped bytes, corrupt checksums, late replies, a missing servo, error
/// bits, another baud rate, no power). Transport-free: <see cref="VirtualServoBus"/> serves it on a pseudo-terminal,
/// <see cref="Transport.InMemoryServoTransport"/> calls it directly.
/// </summary>
public sealed class VirtualServoChain
{
    private readonly object _sync = new();
    private readonly List<byte> _input = [];
    private readonly List<VirtualServo> _servos = [];
    private int _dropBytes, _dropReplies, _corruptReplies, _lateReplies;
    private TimeSpan _lateBy;
    private VirtualFaultRates? _rates;
    private Random _random = new(0);
    private int _droppedByRate, _corruptedByRate, _delayedByRate;

    /// <summary>Creates servos with the given IDs; <paramref name="physicalPosition"/> places each shaft (default: half a turn).</summary>
    public VirtualServoChain(IEnumerable<int> ids, Func<int, int>? physicalPosition = null)
    {
        foreach (var id in ids) _servos.Add(new VirtualServo(id, physicalPosition?.Invoke(id) ?? Sts3215.HalfTurn, _sync));
    }

    /// <summary>Six servos with IDs 1–6, like an SO-101 arm.</summary>
    public static VirtualServoChain So101(Func<int, int>? physicalPosition = null) => new(Enumerable.Range(1, 6), physicalPosition);

    /// <summary>The servo answering to <paramref name="id"/> (its ID may change through setup-motors).</summary>
    public VirtualServo this[int id]
    {
        get
        {
            lock (_sync)
                return _servos.FirstOrDefault(s => s.Id == id && !s.Missing) ?? _servos.FirstOrDefault(s => s.Id == id) ?? throw new KeyNotFoundException($"no virtual servo with id {id}");
        }
    }

    /// <summary>Servos in the order they were created (IDs may repeat: factory-new servos all have ID 1).</summary>
    public IReadOnlyList<VirtualServo> Servos { get { lock (_sync) return _servos.ToList(); } }

    /// <summary>The baud rate the host's port is set to; servos listening at another rate cannot decode it.</summary>
    public int HostBaudRate { get; set; } = Sts3215.DefaultBaudRate;

    /// <summary>False: no servo has power, so nothing ever answers.</summary>
    public bool Powered { get; set; } = true;

    /// <summary>Instruction packets received with a good checksum.</summary>
    public int InstructionsReceived { get; private set; }

    /// <summary>Cuts the last <paramref name="bytes"/> bytes off the next <paramref name="replies"/> replies.</summary>
    public void DropBytes(int bytes, int replies = 1)
    {
        lock (_sync) { _dropBytes = bytes; _dropReplies = replies; }
    }

    /// <summary>Corrupts the checksum of the next <paramref name="replies"/> replies (int.MaxValue: all of them).</summary>
    public void CorruptChecksums(int replies = 1)
    {
        lock (_sync) _corruptReplies = replies;
    }

    /// <summary>Delays the next <paramref name="replies"/> replies by <paramref name="delay"/>.</summary>
    public void DelayReplies(TimeSpan delay, int replies = 1)
    {
        lock (_sync) { _lateBy = delay; _lateReplies = replies; }
    }

    /// <summary>Clears pending byte-level faults, random ones included.</summary>
    public void ClearFaults()
    {
        lock (_sync) { _dropReplies = _corruptReplies = _lateReplies = 0; _rates = null; }
    }

    /// <summary>
    /// From now on, each reply independently loses its last bytes, gets a bad checksum or comes late with the given
    /// probabilities (a seeded draw, so a run repeats); on top of the counted faults above.
    /// </summary>
    public void SetFaultRates(VirtualFaultRates rates)
    {
        lock (_sync) { _rates = rates; _random = new Random(rates.Seed); }
    }

    /// <summary>Replies damaged by <see cref="SetFaultRates"/> so far: (cut short, bad checksum, late).</summary>
    public (int Dropped, int Corrupted, int Delayed) RandomFaultsInjected
    {
        get { lock (_sync) return (_droppedByRate, _corruptedByRate, _delayedByRate); }
    }

    /// <summary>Feeds bytes from the host; returns what the servos send back, each with the delay before it.</summary>
    public IReadOnlyList<VirtualReply> Feed(ReadOnlySpan<byte> bytes)
    {
        var replies = new List<VirtualReply>();
        lock (_sync)
        {
            if (!Powered) return replies;
            var listening = _servos.Where(s => !s.Missing).ToList();
            var garbled = listening.Count > 0 && listening.All(s => s.BaudRate != HostBaudRate);
            if (garbled)
            {
                // Servos at another baud rate see framing garbage and answer with bytes the host cannot decode.
                if (bytes.Length > 0) replies.Add(new VirtualReply(Enumerable.Range(0, Math.Max(2, bytes.Length / 2)).Select(i => (byte)(i % 2 == 0 ? 0xF8 : 0x00)).ToArray(), TimeSpan.Zero));
                return replies;
            }
            foreach (var b in bytes) _input.Add(b);
            while (TakeInstruction(out var packet))
            {
                InstructionsReceived++;
                foreach (var reply in Execute(packet)) replies.Add(ApplyFaults(reply));
            }
        }
        return replies;
    }

    private VirtualReply ApplyFaults(VirtualReply reply)
    {
        var bytes = reply.Bytes;
        var delay = reply.Delay;
        if (_corruptReplies > 0)
        {
            if (_corruptReplies != int.MaxValue) _corruptReplies--;
            bytes = (byte[])bytes.Clone();
            bytes[^1] ^= 0x5A;
        }
        if (_dropReplies > 0)
        {
            _dropReplies--;
            bytes = bytes[..Math.Max(0, bytes.Length - _dropBytes)];
        }
        if (_lateReplies > 0)
        {
            _lateReplies--;
            delay += _lateBy;
        }
        if (_rates is { } rates)
        {
            if (_random.NextDouble() < rates.CorruptChecksum)
            {
                bytes = (byte[])bytes.Clone();
                bytes[^1] ^= 0x5A;
                _corruptedByRate++;
            }
            if (_random.NextDouble() < rates.DropBytes)
            {
                bytes = bytes[..Math.Max(0, bytes.Length - rates.BytesDropped)];
                _droppedByRate++;
            }
            if (_random.NextDouble() < rates.Late)
            {
                delay += rates.LateBy;
                _delayedByRate++;
            }
        }
        return new VirtualReply(bytes, delay);
    }

    private bool TakeInstruction(out byte[] packet)
    {
        packet = [];
        while (true)
        {
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_input);
            var (start, length) = FeetechPacket.Find(span, out var checksumOk);
            if (start < 0) { _input.Clear(); return false; }
            if (start > 0) _input.RemoveRange(0, start);
            if (length == 0) return false;
            if (!checksumOk) { _input.RemoveAt(0); continue; } // a servo ignores a packet with a bad checksum
            packet = _input.GetRange(0, length).ToArray();
            _input.RemoveRange(0, length);
            return true;
        }
    }

    private IEnumerable<VirtualReply> Execute(byte[] packet)
    {
        var id = packet[2];
        var instruction = (FeetechInstruction)packet[4];
        var p = packet.AsSpan(5, packet.Length - 6).ToArray();
        var targets = _servos.Where(s => !s.Missing && (id == Sts3215.BroadcastId || s.Id == id)).OrderBy(s => s.Id).ToList();
        switch (instruction)
        {
            case FeetechInstruction.Ping:
                // Broadcast PING is the one broadcast that every servo answers (protocol 0).
                foreach (var s in targets) yield return Reply(s, []);
                break;
            case FeetechInstruction.Read when p.Length == 2:
                if (id == Sts3215.BroadcastId) break;
                foreach (var s in targets) yield return Reply(s, s.ReadTable(p[0], p[1]));
                break;
            case FeetechInstruction.Write when p.Length >= 2:
                foreach (var s in targets)
                {
                    var before = s.Id;
                    var reply = id == Sts3215.BroadcastId ? null : Reply(s, [], before);
                    s.WriteTable(p[0], p.AsSpan(1));
                    if (reply is not null) yield return reply; // answered under the old ID, then the new ID applies
                }
                break;
            case FeetechInstruction.RegWrite when p.Length >= 2:
                foreach (var s in targets)
                {
                    s.RegWrite(p[0], p.AsSpan(1));
                    if (id != Sts3215.BroadcastId) yield return Reply(s, []);
                }
                break;
            case FeetechInstruction.Action:
                foreach (var s in targets)
                {
                    s.ApplyPending();
                    if (id != Sts3215.BroadcastId) yield return Reply(s, []);
                }
                break;
            case FeetechInstruction.SyncRead when p.Length >= 2:
                foreach (var wanted in p.Skip(2))
                {
                    var s = _servos.FirstOrDefault(x => !x.Missing && x.Id == wanted);
                    if (s is not null) yield return Reply(s, s.ReadTable(p[0], p[1]));
                }
                break;
            case FeetechInstruction.SyncWrite when p.Length >= 2:
                int address = p[0], size = p[1];
                for (var i = 2; i + size < p.Length + 1 && i + 1 + size <= p.Length; i += 1 + size)
                {
                    var s = _servos.FirstOrDefault(x => !x.Missing && x.Id == p[i]);
                    s?.WriteTable(address, p.AsSpan(i + 1, size));
                }
                break;
        }
    }

    private static VirtualReply Reply(VirtualServo servo, byte[] parameters, int? asId = null)
    {
        var delay = TimeSpan.FromTicks(servo.Get(Sts3215.ReturnDelayTime) * 20); // Return_Delay_Time counts 2 µs
        return new VirtualReply(FeetechPacket.Status((byte)(asId ?? servo.Id), servo.InjectedError, parameters), delay);
    }
}

/// <summary>Per-reply probabilities of byte-level faults for <see cref="VirtualServoChain.SetFaultRates"/>.</summary>
/// <param name="DropBytes">Probability that a reply loses its last <paramref name="BytesDropped"/> bytes.</param>
/// <param name="CorruptChecksum">Probability of a bad checksum.</param>
/// <param name="Late">Probability that a reply comes <paramref name="LateBy"/> late.</param>
/// <param name="LateBy">Delay of a late reply.</param>
/// <param name="BytesDropped">Bytes cut off a dropped reply.</param>
/// <param name="Seed">Seed of the draws.</param>
public sealed record VirtualFaultRates(double DropBytes, double CorruptChecksum, double Late, TimeSpan LateBy, int BytesDropped = 3, int Seed = 1);

/// <summary>Bytes a virtual servo sends, after <paramref name="Delay"/>.</summary>
public sealed record VirtualReply(byte[] Bytes, TimeSpan Delay);
