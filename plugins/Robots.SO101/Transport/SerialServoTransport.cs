using System.Diagnostics;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Transport;

/// <summary>
/// A serial device (USB adapter or pseudo-terminal) configured raw with termios and read/written with direct
/// poll/read/write on its descriptor: ~30 µs per request/reply instead of SerialPort's ~2 ms polling thread
/// (docs/environment.md, "Serial ports without hardware"). Exclusive: flock + TIOCEXCL, so a second program fails clearly.
/// </summary>
public sealed unsafe class SerialServoTransport : IServoTransport
{
    private const uint CREAD = 0x80;
    private const uint CLOCAL = 0x800;
    private const int VTIME = 5;
    private const int VMIN = 6;

    private int _fd;
    private bool _lost;

    private SerialServoTransport(string portName, int fd, int baudRate)
    {
        PortName = portName;
        _fd = fd;
        BaudRate = baudRate;
    }

    /// <inheritdoc />
    public string PortName { get; }

    /// <inheritdoc />
    public int BaudRate { get; private set; }

    /// <summary>Opens <paramref name="portName"/> exclusively at <paramref name="baudRate"/>, raw 8N1.</summary>
    /// <exception cref="RobotHostException">Missing port (lists candidates), no permission, or port in use.</exception>
    public static SerialServoTransport Open(string portName, int baudRate = Sts3215.DefaultBaudRate)
    {
        if (string.IsNullOrWhiteSpace(portName))
            throw new RobotHostException($"no serial port given; set port=… ({SerialPorts.DescribeCandidates()})");
        if (!File.Exists(portName))
            throw new RobotHostException($"serial port '{portName}' does not exist; {SerialPorts.DescribeCandidates()}");
        var fd = Libc.open(portName, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            throw new RobotHostException(errno switch
            {
                13 => $"no permission to open serial port '{portName}'; add yourself to the dialout group (`sudo usermod -aG dialout $USER`, then log in again)",
                Libc.EBUSY => $"serial port '{portName}' is busy: another program holds it (another robothost, LeRobot, a serial monitor); close it and retry",
                _ => $"cannot open serial port '{portName}': {Libc.Describe(errno)}",
            });
        }
        try
        {
            if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
                throw new RobotHostException($"serial port '{portName}' is in use by another program (another robothost, LeRobot, a serial monitor); close it and retry");
            Libc.ioctl(fd, Libc.TIOCEXCL, 0); // best effort: refuse further opens (root bypasses it; flock still holds)
            var transport = new SerialServoTransport(portName, fd, baudRate);
            transport.Configure(baudRate);
            Libc.tcflush(fd, Libc.TCIOFLUSH);
            return transport;
        }
        catch
        {
            Libc.close(fd);
            throw;
        }
    }

    /// <inheritdoc />
    public void SetBaudRate(int baudRate)
    {
        Configure(baudRate);
        BaudRate = baudRate;
    }

    private void Configure(int baudRate)
    {
        var code = Libc.SpeedCode(baudRate)
            ?? throw new RobotHostException($"baud rate {baudRate} cannot be set with termios on '{PortName}'; use 1000000 (the SO-101 default), 500000, 115200, 57600, 38400 or 19200");
        Libc.Termios tio;
        if (Libc.tcgetattr(_fd, &tio) != 0)
            throw new RobotHostException($"'{PortName}' is not a serial port (tcgetattr: {Libc.Describe(Libc.LastErrno)}); {SerialPorts.DescribeCandidates()}");
        Libc.cfmakeraw(&tio);
        tio.c_cflag |= CREAD | CLOCAL;
        tio.c_cc[VMIN] = 0;
        tio.c_cc[VTIME] = 0;
        if (Libc.cfsetspeed(&tio, code) != 0 || Libc.tcsetattr(_fd, Libc.TCSANOW, &tio) != 0)
            throw new RobotHostException($"cannot set '{PortName}' to {baudRate} baud: {Libc.Describe(Libc.LastErrno)}");
    }

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> bytes)
    {
        ThrowIfLost();
        fixed (byte* start = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var n = Libc.write(_fd, start + done, bytes.Length - done);
                if (n > 0) { done += (int)n; continue; }
                var errno = Libc.LastErrno;
                if (n < 0 && errno == Libc.EINTR) continue;
                if (n < 0 && errno == Libc.EAGAIN) { WaitFor(Libc.POLLOUT, 10); continue; }
                throw Lost($"write failed: {Libc.Describe(errno)}");
            }
        }
    }

    /// <inheritdoc />
    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        ThrowIfLost();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            fixed (byte* start = buffer)
            {
                var n = Libc.read(_fd, start, buffer.Length);
                if (n > 0) return (int)n;
                var errno = Libc.LastErrno;
                if (n < 0 && errno != Libc.EAGAIN && errno != Libc.EINTR)
                    throw Lost($"read failed: {Libc.Describe(errno)}");
            }
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0) return 0;
            var ms = (int)Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency);
            var revents = WaitFor(Libc.POLLIN, ms);
            if ((revents & Libc.POLLIN) == 0 && (revents & (Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) != 0)
                throw Lost("the device hung up");
        }
    }

    private short WaitFor(short events, int timeoutMs)
    {
        var pfd = new Libc.PollFd { fd = _fd, events = events };
        var r = Libc.poll(&pfd, 1, timeoutMs);
        return r > 0 ? pfd.revents : (short)0;
    }

    /// <inheritdoc />
    public void DiscardInput()
    {
        if (_fd >= 0 && !_lost) Libc.tcflush(_fd, Libc.TCIFLUSH);
    }

    private void ThrowIfLost()
    {
        if (_fd < 0) throw new ObjectDisposedException(PortName);
        if (_lost) throw Lost("it was lost earlier");
    }

    private ServoBusException Lost(string why)
    {
        _lost = true;
        return new ServoBusException($"serial port '{PortName}' stopped working ({why}): was the adapter unplugged? Plug it back and reconnect; {SerialPorts.DescribeCandidates()}", ServoFailure.PortLost);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        Libc.flock(fd, Libc.LOCK_UN);
        Libc.ioctl(fd, Libc.TIOCNXCL, 0);
        Libc.close(fd);
    }
}
