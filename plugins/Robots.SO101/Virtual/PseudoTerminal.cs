using System.Text;
using RobotHost.Plugins.Robots.SO101.Transport;

namespace RobotHost.Plugins.Robots.SO101.Virtual;

/// <summary>
/// A pseudo-terminal pair (posix_openpt/grantpt/unlockpt/ptsname_r): the slave path behaves like a USB serial
/// adapter for the driver, the master side is where emulated devices read and answer (docs/environment.md).
/// </summary>
internal sealed unsafe class PseudoTerminal : IDisposable
{
    private int _master;
    private int _slaveHold;

    private PseudoTerminal(int master, int slaveHold, string slavePath)
    {
        _master = master;
        _slaveHold = slaveHold;
        SlavePath = slavePath;
    }

    /// <summary>The device path a driver opens, e.g. <c>/dev/pts/4</c>.</summary>
    public string SlavePath { get; }

    /// <summary>The master descriptor (non-blocking), or -1 once closed.</summary>
    public int Master => _master;

    /// <summary>Opens a pair in raw mode at 1 Mbps.</summary>
    public static PseudoTerminal Open()
    {
        var master = Libc.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (master < 0) throw new IOException($"posix_openpt failed: {Libc.Describe(Libc.LastErrno)}");
        try
        {
            if (Libc.grantpt(master) != 0 || Libc.unlockpt(master) != 0)
                throw new IOException($"grantpt/unlockpt failed: {Libc.Describe(Libc.LastErrno)}");
            var name = stackalloc byte[128];
            if (Libc.ptsname_r(master, name, 128) != 0) throw new IOException($"ptsname_r failed: {Libc.Describe(Libc.LastErrno)}");
            var raw = new ReadOnlySpan<byte>(name, 128);
            var path = Encoding.UTF8.GetString(raw[..raw.IndexOf((byte)0)]);
            // Hold the slave open ourselves: the master then never sees a hang-up between driver sessions,
            // and the raw settings persist.
            var hold = Libc.open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (hold < 0) throw new IOException($"cannot open {path}: {Libc.Describe(Libc.LastErrno)}");
            Libc.Termios tio;
            Libc.tcgetattr(hold, &tio);
            Libc.cfmakeraw(&tio);
            Libc.cfsetspeed(&tio, Libc.SpeedCode(1_000_000)!.Value);
            Libc.tcsetattr(hold, Libc.TCSANOW, &tio);
            SetNonBlocking(master);
            return new PseudoTerminal(master, hold, path);
        }
        catch
        {
            Libc.close(master);
            throw;
        }
    }

    private static void SetNonBlocking(int fd)
    {
        const int F_GETFL = 3, F_SETFL = 4;
        var flags = fcntl(fd, F_GETFL, 0);
        fcntl(fd, F_SETFL, flags | Libc.O_NONBLOCK);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int cmd, int arg);

    /// <summary>The baud rate the slave side is set to (what the driver configured), 0 if unknown.</summary>
    public int SlaveBaudRate()
    {
        Libc.Termios tio;
        var fd = _slaveHold >= 0 ? _slaveHold : _master;
        if (fd < 0 || Libc.tcgetattr(fd, &tio) != 0) return 0;
        return Libc.BaudOf(Libc.cfgetospeed(&tio));
    }

    /// <summary>Closes the master: the driver's side sees a hang-up, like an unplugged adapter.</summary>
    public void CloseMaster()
    {
        var slave = Interlocked.Exchange(ref _slaveHold, -1);
        if (slave >= 0) Libc.close(slave);
        var master = Interlocked.Exchange(ref _master, -1);
        if (master >= 0) Libc.close(master);
    }

    /// <inheritdoc />
    public void Dispose() => CloseMaster();
}
