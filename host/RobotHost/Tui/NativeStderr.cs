using System.Runtime.InteropServices;

namespace RobotHost.Tui;

/// <summary>
/// Sends file descriptor 2 to a file while the TUI owns the terminal. libtorch (and other native code) writes warnings
/// straight to fd 2 — on a CPU without NNPACK every convolution prints "Could not initialize NNPACK!" — which would
/// scribble over the screen Terminal.Gui draws on stdout. Only when stderr is a terminal; a redirected stderr is kept.
/// Dispose puts the terminal back (before any error line is printed).
/// </summary>
public sealed class NativeStderr : IDisposable
{
    private const int StderrFd = 2;
    private readonly FileStream _file;
    private readonly int _saved;

    private NativeStderr(FileStream file, int saved)
    {
        _file = file;
        _saved = saved;
    }

    /// <summary>The file now receiving fd 2.</summary>
    public string Path => _file.Name;

    /// <summary>Redirects fd 2 to <paramref name="path"/> (appending); null when stderr is not a terminal or this is not Unix.</summary>
    public static NativeStderr? RedirectTo(string path)
    {
        if (OperatingSystem.IsWindows() || Console.IsErrorRedirected) return null;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var saved = dup(StderrFd);
        if (saved < 0 || dup2((int)file.SafeFileHandle.DangerousGetHandle(), StderrFd) < 0)
        {
            if (saved >= 0) close(saved);
            file.Dispose();
            return null;
        }
        return new NativeStderr(file, saved);
    }

    /// <summary>Points fd 2 back at the terminal.</summary>
    public void Dispose()
    {
        dup2(_saved, StderrFd);
        close(_saved);
        _file.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int dup(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int dup2(int fd, int fd2);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
