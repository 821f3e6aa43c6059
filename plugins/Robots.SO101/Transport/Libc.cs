using System.Runtime.InteropServices;

namespace RobotHost.Plugins.Robots.SO101.Transport;

/// <summary>
/// The few libc calls a serial port and a pseudo-terminal need (Linux x86-64/arm64 glibc ABI).
/// Direct read/write/poll on the device fd avoids SerialPort's 1 ms polling thread (docs/environment.md).
/// </summary>
internal static unsafe class Libc
{
    private const string Lib = "libc";

    public const int O_RDWR = 2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const short POLLIN = 0x001;
    public const short POLLOUT = 0x004;
    public const short POLLERR = 0x008;
    public const short POLLHUP = 0x010;
    public const short POLLNVAL = 0x020;

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EBUSY = 16;
    public const int EWOULDBLOCK = 11;

    public const int TCSANOW = 0;
    public const int TCIFLUSH = 0;
    public const int TCIOFLUSH = 2;
    public const ulong TIOCEXCL = 0x540C;
    public const ulong TIOCNXCL = 0x540D;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    /// <summary>glibc's struct termios (60 bytes): flags, line discipline, 32 control chars, speeds.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Termios
    {
        public uint c_iflag;
        public uint c_oflag;
        public uint c_cflag;
        public uint c_lflag;
        public byte c_line;
        public fixed byte c_cc[32];
        public uint c_ispeed;
        public uint c_ospeed;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [DllImport(Lib, SetLastError = true)] public static extern int posix_openpt(int flags);
    [DllImport(Lib, SetLastError = true)] public static extern int grantpt(int fd);
    [DllImport(Lib, SetLastError = true)] public static extern int unlockpt(int fd);
    [DllImport(Lib, SetLastError = true)] public static extern int ptsname_r(int fd, byte* buf, nuint buflen);
    [DllImport(Lib, SetLastError = true)] public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    [DllImport(Lib, SetLastError = true)] public static extern int close(int fd);
    [DllImport(Lib, SetLastError = true)] public static extern nint read(int fd, byte* buf, nint count);
    [DllImport(Lib, SetLastError = true)] public static extern nint write(int fd, byte* buf, nint count);
    [DllImport(Lib, SetLastError = true)] public static extern int poll(PollFd* fds, nuint nfds, int timeout);
    [DllImport(Lib, SetLastError = true)] public static extern int tcgetattr(int fd, Termios* termios);
    [DllImport(Lib, SetLastError = true)] public static extern int tcsetattr(int fd, int optionalActions, Termios* termios);
    [DllImport(Lib, SetLastError = true)] public static extern void cfmakeraw(Termios* termios);
    [DllImport(Lib, SetLastError = true)] public static extern int cfsetspeed(Termios* termios, uint speed);
    [DllImport(Lib, SetLastError = true)] public static extern uint cfgetospeed(Termios* termios);
    [DllImport(Lib, SetLastError = true)] public static extern int tcflush(int fd, int queueSelector);
    [DllImport(Lib, SetLastError = true)] public static extern int tcdrain(int fd);
    [DllImport(Lib, SetLastError = true)] public static extern int ioctl(int fd, ulong request, nint arg);
    [DllImport(Lib, SetLastError = true)] public static extern int flock(int fd, int operation);

    /// <summary>Baud rates as termios speed codes (glibc bits/termios.h, Bxxx constants).</summary>
    private static readonly Dictionary<int, uint> SpeedCodes = new()
    {
        [9600] = 13, [19200] = 14, [38400] = 15, [57600] = 0x1001, [115200] = 0x1002, [230400] = 0x1003,
        [460800] = 0x1004, [500000] = 0x1005, [576000] = 0x1006, [921600] = 0x1007, [1000000] = 0x1008,
        [1152000] = 0x1009, [1500000] = 0x100A, [2000000] = 0x100B,
    };

    /// <summary>The termios code of a baud rate, or null when plain termios cannot express it (e.g. 128000, 250000).</summary>
    public static uint? SpeedCode(int baud) => SpeedCodes.TryGetValue(baud, out var code) ? code : null;

    /// <summary>The baud rate of a termios speed code, or 0 when unknown.</summary>
    public static int BaudOf(uint code) => SpeedCodes.FirstOrDefault(p => p.Value == code).Key;

    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
