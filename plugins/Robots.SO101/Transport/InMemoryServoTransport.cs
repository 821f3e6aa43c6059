using System.Diagnostics;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;

namespace RobotHost.Plugins.Robots.SO101.Transport;

/// <summary>
/// A transport wired straight to a <see cref="VirtualServoChain"/>, with no pseudo-terminal: for unit tests of the
/// protocol logic. Late replies become readable after their delay; <see cref="Unplug"/> makes it fail like a lost port.
/// </summary>
public sealed class InMemoryServoTransport(VirtualServoChain servos, string portName = "memory") : IServoTransport
{
    private readonly Queue<(long Due, byte[] Bytes)> _pending = new();
    private bool _unplugged;

    /// <inheritdoc />
    public string PortName { get; } = portName;

    /// <inheritdoc />
    public int BaudRate { get; private set; } = Sts3215.DefaultBaudRate;

    /// <summary>Every byte the host sent, for assertions on packets.</summary>
    public List<byte[]> Sent { get; } = [];

    /// <inheritdoc />
    public void SetBaudRate(int baudRate) => BaudRate = baudRate;

    /// <summary>Makes every later call fail as if the adapter was pulled out.</summary>
    public void Unplug() => _unplugged = true;

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_unplugged) throw new ServoBusException($"serial port '{PortName}' stopped working: unplugged", ServoFailure.PortLost);
        Sent.Add(bytes.ToArray());
        servos.HostBaudRate = BaudRate;
        var now = Stopwatch.GetTimestamp();
        var due = now;
        foreach (var reply in servos.Feed(bytes))
        {
            due += (long)(reply.Delay.TotalSeconds * Stopwatch.Frequency);
            _pending.Enqueue((due, reply.Bytes));
        }
    }

    /// <inheritdoc />
    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        if (_unplugged) throw new ServoBusException($"serial port '{PortName}' stopped working: unplugged", ServoFailure.PortLost);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_pending.TryPeek(out var next) && next.Due <= Stopwatch.GetTimestamp())
            {
                _pending.Dequeue();
                var n = Math.Min(buffer.Length, next.Bytes.Length);
                next.Bytes.AsSpan(0, n).CopyTo(buffer);
                if (n < next.Bytes.Length) _pending.Enqueue((next.Due, next.Bytes[n..])); // rare: tiny buffer
                return n;
            }
            if (Stopwatch.GetTimestamp() >= deadline) return 0;
            Thread.Sleep(_pending.Count > 0 ? 0 : 1);
        }
    }

    /// <inheritdoc />
    public void DiscardInput()
    {
        // Only bytes already "on the wire" are dropped; late ones arrive afterwards, as on a real port.
        var now = Stopwatch.GetTimestamp();
        var keep = _pending.Where(p => p.Due > now).ToList();
        _pending.Clear();
        foreach (var p in keep) _pending.Enqueue(p);
    }

    /// <inheritdoc />
    public void Dispose() => _unplugged = true;
}
