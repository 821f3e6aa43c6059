namespace RobotHost.Plugins.Robots.SO101.Transport;

/// <summary>
/// The byte pipe under the servo bus: a serial port (real adapter or pseudo-terminal) or an in-memory fake.
/// One thread at a time (the bus serialises calls).
/// </summary>
public interface IServoTransport : IDisposable
{
    /// <summary>The port as the user named it, for messages (e.g. <c>/dev/ttyACM0</c>).</summary>
    string PortName { get; }

    /// <summary>Current line speed in baud.</summary>
    int BaudRate { get; }

    /// <summary>Changes the line speed (setup-motors scans baud rates).</summary>
    void SetBaudRate(int baudRate);

    /// <summary>Sends all of <paramref name="bytes"/>.</summary>
    /// <exception cref="Protocol.ServoBusException">The port is gone (unplugged).</exception>
    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Reads what is available, waiting at most <paramref name="timeout"/> for the first byte; 0 on timeout.</summary>
    /// <exception cref="Protocol.ServoBusException">The port is gone (unplugged).</exception>
    int Read(Span<byte> buffer, TimeSpan timeout);

    /// <summary>Drops bytes received but not read yet (stale replies).</summary>
    void DiscardInput();
}
