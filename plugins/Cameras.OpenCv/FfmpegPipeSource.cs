using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// A video file decoded by the system <c>ffmpeg</c> into a raw BGR pipe: H.264, AV1 (LeRobot datasets) and anything
/// else Debian's FFmpeg reads. Size and rate come from <c>ffprobe</c>.
/// </summary>
internal sealed class FfmpegPipeSource(VideoFileCameraConfig config) : IFrameSource
{
    private Process? _ffmpeg;
    private byte[] _buffer = [];

    public string Description => $"{Path.GetFileName(config.Path)} (ffmpeg decoder)";

    public int Width { get; private set; } = config.Width;

    public int Height { get; private set; } = config.Height;

    public double Fps { get; private set; } = config.Fps;

    public bool PacedByHost => true;

    public void Open()
    {
        Close();
        var (width, height, fps) = Probe();
        if (config.Width > 0)
        {
            width = config.Width;
            height = config.Height;
        }
        Width = width;
        Height = height;
        Fps = config.Fps > 0 ? config.Fps : fps is > 0 and < 1000 ? fps : 30;
        _buffer = new byte[width * height * 3];
        StartDecoder();
    }

    public SourceRead Read(Mat bgr)
    {
        if (_ffmpeg is null) return SourceRead.Failed;
        if (!ReadExactly(_ffmpeg.StandardOutput.BaseStream))
        {
            if (!config.Loop) return SourceRead.EndOfStream;
            StartDecoder();
            if (!ReadExactly(_ffmpeg.StandardOutput.BaseStream)) return SourceRead.Failed;
        }
        bgr.Create(Height, Width, MatType.CV_8UC3);
        Marshal.Copy(_buffer, 0, bgr.Data, _buffer.Length);
        return SourceRead.Frame;
    }

    public void Close()
    {
        if (_ffmpeg is null) return;
        try
        {
            if (!_ffmpeg.HasExited) _ffmpeg.Kill();
            _ffmpeg.WaitForExit(2000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _ffmpeg.Dispose();
        _ffmpeg = null;
    }

    public void Dispose() => Close();

    private bool ReadExactly(Stream stream)
    {
        var filled = 0;
        while (filled < _buffer.Length)
        {
            var n = stream.Read(_buffer, filled, _buffer.Length - filled);
            if (n == 0) return false;
            filled += n;
        }
        return true;
    }

    private void StartDecoder()
    {
        Close();
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-v", "error", "-nostdin", "-i", config.Path, "-an", "-f", "rawvideo", "-pix_fmt", "bgr24" }) start.ArgumentList.Add(arg);
        if (config.Width > 0)
        {
            start.ArgumentList.Add("-vf");
            start.ArgumentList.Add($"scale={config.Width}:{config.Height}:flags=area");
        }
        start.ArgumentList.Add("-");
        _ffmpeg = StartProgram(start);
        // Drain stderr so a chatty decoder can never block on a full pipe.
        _ffmpeg.ErrorDataReceived += (_, _) => { };
        _ffmpeg.BeginErrorReadLine();
    }

    private (int Width, int Height, double Fps) Probe()
    {
        var start = new ProcessStartInfo("ffprobe")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,r_frame_rate", "-of", "csv=p=0", config.Path })
            start.ArgumentList.Add(arg);
        using var probe = StartProgram(start);
        var output = probe.StandardOutput.ReadToEnd().Trim();
        var error = probe.StandardError.ReadToEnd().Trim();
        probe.WaitForExit();
        var parts = output.Split(',', StringSplitOptions.TrimEntries);
        if (probe.ExitCode != 0 || parts.Length < 3
            || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var height))
            throw new RobotHostException($"video_file camera '{config.Name}': ffprobe finds no video stream in '{config.Path}' ({(error.Length > 0 ? error : output)})");
        var rate = parts[2].Split('/');
        var fps = rate.Length == 2 && double.TryParse(rate[0], CultureInfo.InvariantCulture, out var num) && double.TryParse(rate[1], CultureInfo.InvariantCulture, out var den) && den > 0
            ? num / den
            : 0;
        return (width, height, fps);
    }

    private Process StartProgram(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new RobotHostException($"video_file camera '{config.Name}': could not start {start.FileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RobotHostException($"video_file camera '{config.Name}': {start.FileName} is not installed; install Debian's ffmpeg package (scripts/setup.sh does)", e);
        }
    }
}
