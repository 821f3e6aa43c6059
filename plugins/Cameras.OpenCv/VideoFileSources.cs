using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>Picks the source for a <c>video_file</c> config: image folder, OpenCV decoder, or the system ffmpeg.</summary>
internal static class VideoFileSources
{
    public static IFrameSource Create(VideoFileCameraConfig config)
    {
        if (Directory.Exists(config.Path)) return new ImageFolderSource(config);
        if (!File.Exists(config.Path))
            throw new RobotHostException($"video_file camera '{config.Name}': '{config.Path}' is neither a video file nor a folder of images; fix path");
        return config.Decoder switch
        {
            "ffmpeg" => new FfmpegPipeSource(config),
            "opencv" => new OpenCvVideoSource(config),
            _ => new AutoVideoSource(config),
        };
    }

    /// <summary>Resizes in place when the config asks for a size other than the stored one.</summary>
    public static void FitTo(Mat bgr, int width, int height)
    {
        if (width > 0 && (bgr.Width != width || bgr.Height != height))
            Cv2.Resize(bgr, bgr, new Size(width, height), 0, 0, InterpolationFlags.Area);
    }
}

/// <summary>A video file through OpenCV's bundled FFmpeg (reads mp4v and MJPG; not AV1).</summary>
internal sealed class OpenCvVideoSource(VideoFileCameraConfig config) : IFrameSource
{
    private VideoCapture? _capture;
    private Mat? _firstFrame;

    public string Description => $"{Path.GetFileName(config.Path)} (OpenCV decoder)";

    public int Width { get; private set; } = config.Width;

    public int Height { get; private set; } = config.Height;

    public double Fps { get; private set; } = config.Fps;

    public bool PacedByHost => true;

    public void Open()
    {
        Close();
        var capture = new VideoCapture(config.Path, VideoCaptureAPIs.FFMPEG);
        var frame = new Mat();
        if (!capture.IsOpened() || !capture.Read(frame) || frame.Empty())
        {
            frame.Dispose();
            capture.Dispose();
            throw new RobotHostException($"video_file camera '{config.Name}': OpenCV cannot decode '{config.Path}' (its bundled FFmpeg reads mp4v and MJPG); set decoder=ffmpeg to use the system ffmpeg");
        }
        var fileFps = capture.Get(VideoCaptureProperties.Fps);
        Fps = config.Fps > 0 ? config.Fps : fileFps is > 0 and < 1000 ? fileFps : 30;
        VideoFileSources.FitTo(frame, config.Width, config.Height);
        Width = frame.Width;
        Height = frame.Height;
        _firstFrame = frame;
        _capture = capture;
    }

    public SourceRead Read(Mat bgr)
    {
        if (_capture is null) return SourceRead.Failed;
        if (_firstFrame is not null)
        {
            _firstFrame.CopyTo(bgr);
            _firstFrame.Dispose();
            _firstFrame = null;
            return SourceRead.Frame;
        }
        if (!_capture.Read(bgr) || bgr.Empty())
        {
            if (!config.Loop) return SourceRead.EndOfStream;
            // Loop: back to the first frame (one seek per play-through).
            _capture.Set(VideoCaptureProperties.PosFrames, 0);
            if (!_capture.Read(bgr) || bgr.Empty()) return SourceRead.Failed;
        }
        VideoFileSources.FitTo(bgr, config.Width, config.Height);
        return SourceRead.Frame;
    }

    public void Close()
    {
        _firstFrame?.Dispose();
        _firstFrame = null;
        _capture?.Dispose();
        _capture = null;
    }

    public void Dispose() => Close();
}

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

/// <summary>OpenCV's decoder when it can read the file (no process to start), else the system ffmpeg.</summary>
internal sealed class AutoVideoSource(VideoFileCameraConfig config) : IFrameSource
{
    private IFrameSource _inner = new OpenCvVideoSource(config);
    private bool _chosen;

    public string Description => _inner.Description;

    public int Width => _inner.Width;

    public int Height => _inner.Height;

    public double Fps => _inner.Fps;

    public bool PacedByHost => true;

    public void Open()
    {
        if (_chosen)
        {
            _inner.Open();
            return;
        }
        try
        {
            _inner.Open();
        }
        catch (RobotHostException)
        {
            _inner.Dispose();
            _inner = new FfmpegPipeSource(config);
            _inner.Open();
        }
        _chosen = true;
    }

    public SourceRead Read(Mat bgr) => _inner.Read(bgr);

    public void Close() => _inner.Close();

    public void Dispose() => _inner.Dispose();
}

/// <summary>A folder of images played in name order (frame_000001.png…), 30 fps unless configured.</summary>
internal sealed class ImageFolderSource(VideoFileCameraConfig config) : IFrameSource
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];
    private string[] _files = [];
    private int _next;

    public string Description => $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(config.Path))}/ ({_files.Length} images)";

    public int Width { get; private set; } = config.Width;

    public int Height { get; private set; } = config.Height;

    public double Fps => config.Fps > 0 ? config.Fps : 30;

    public bool PacedByHost => true;

    public void Open()
    {
        if (!Directory.Exists(config.Path))
            throw new RobotHostException($"video_file camera '{config.Name}': folder '{config.Path}' does not exist");
        var files = Directory.EnumerateFiles(config.Path)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
            throw new RobotHostException($"video_file camera '{config.Name}': folder '{config.Path}' has no .png, .jpg or .bmp images");
        using var first = Cv2.ImRead(files[0], ImreadModes.Color);
        if (first.Empty())
            throw new RobotHostException($"video_file camera '{config.Name}': cannot read image '{files[0]}'");
        VideoFileSources.FitTo(first, config.Width, config.Height);
        Width = first.Width;
        Height = first.Height;
        _files = files;
        _next = 0;
    }

    public SourceRead Read(Mat bgr)
    {
        if (_files.Length == 0) return SourceRead.Failed;
        if (_next >= _files.Length)
        {
            if (!config.Loop) return SourceRead.EndOfStream;
            _next = 0;
        }
        using var image = Cv2.ImRead(_files[_next++], ImreadModes.Color);
        if (image.Empty()) return SourceRead.Failed;
        VideoFileSources.FitTo(image, config.Width, config.Height);
        if (image.Width != Width || image.Height != Height) return SourceRead.Failed;
        image.CopyTo(bgr);
        return SourceRead.Frame;
    }

    public void Close()
    {
        _files = [];
    }

    public void Dispose() => Close();
}
