using System.Diagnostics;
using RobotHost.Plugins.Robots.SO101.Transport;

namespace RobotHost.Plugins.Robots.SO101.Virtual;

/// <summary>
/// Emulated STS3215 servos served on a real pseudo-terminal: open <see cref="PortPath"/> with the real driver
/// (e.g. <c>port=/dev/pts/5</c>) and it answers like an SO-101 arm. Usable from tests (move joints by hand through
/// <see cref="Servos"/>, inject faults, <see cref="Unplug"/>) and from <c>robothost virtual-bus</c>.
/// </summary>
public sealed unsafe class VirtualServoBus : IDisposable
{
    private readonly PseudoTerminal _pty;
    private readonly Thread _pump;
    private volatile bool _stop;

    /// <summary>Serves <paramref name="servos"/> on a new pseudo-terminal.</summary>
    public VirtualServoBus(VirtualServoChain servos)
    {
        Servos = servos;
        _pty = PseudoTerminal.Open();
        PortPath = _pty.SlavePath;
        _pump = new Thread(Pump) { IsBackground = true, Name = $"virtual-bus {PortPath}", Priority = ThreadPriority.AboveNormal };
        _pump.Start();
    }

    /// <summary>A virtual SO-101 arm: six servos with IDs 1–6 at factory settings.</summary>
    public static VirtualServoBus So101(Func<int, int>? physicalPosition = null) => new(VirtualServoChain.So101(physicalPosition));

    /// <summary>The device path to give the driver (the pseudo-terminal's slave).</summary>
    public string PortPath { get; }

    /// <summary>The servos: positions, registers, fault injection.</summary>
    public VirtualServoChain Servos { get; }

    /// <summary>True after <see cref="Unplug"/> or <see cref="Dispose"/>.</summary>
    public bool IsUnplugged { get; private set; }

    /// <summary>Bytes received from the host so far.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Pulls the USB cable: closes the master side, so the driver's next read or write fails.</summary>
    public void Unplug()
    {
        if (IsUnplugged) return;
        IsUnplugged = true;
        _stop = true;
        if (Thread.CurrentThread != _pump) _pump.Join(TimeSpan.FromSeconds(2));
        _pty.CloseMaster();
    }

    private void Pump()
    {
        var buffer = new byte[4096];
        while (!_stop)
        {
            var pfd = new Libc.PollFd { fd = _pty.Master, events = Libc.POLLIN };
            var r = Libc.poll(&pfd, 1, 50);
            if (_stop) break;
            if (r <= 0) continue;
            if ((pfd.revents & Libc.POLLIN) == 0) { Thread.Sleep(5); continue; }
            nint n;
            fixed (byte* b = buffer) n = Libc.read(_pty.Master, b, buffer.Length);
            if (n <= 0) { Thread.Sleep(1); continue; }
            BytesReceived += n;
            Servos.HostBaudRate = _pty.SlaveBaudRate() is > 0 and var baud ? baud : Servos.HostBaudRate;
            foreach (var reply in Servos.Feed(buffer.AsSpan(0, (int)n)))
            {
                Wait(reply.Delay);
                if (_stop) return;
                Send(reply.Bytes);
            }
        }
    }

    private void Wait(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero) return;
        if (delay > TimeSpan.FromMilliseconds(2)) { Thread.Sleep(delay); return; }
        var until = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
    }

    private void Send(byte[] bytes)
    {
        fixed (byte* b = bytes)
        {
            var done = 0;
            while (done < bytes.Length && !_stop)
            {
                var n = Libc.write(_pty.Master, b + done, bytes.Length - done);
                if (n > 0) done += (int)n;
                else if (Libc.LastErrno is Libc.EAGAIN or Libc.EINTR) Thread.Sleep(1);
                else return;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Unplug();
}
