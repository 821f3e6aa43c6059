using System.Diagnostics;
using RobotHost.Sdk;

namespace RobotHost.Evaluation;

/// <summary>
/// Writes the camera frames of one rollout to an H.264 mp4 through the system <c>ffmpeg</c> (a rawvideo pipe):
/// every camera side by side, small images scaled up with nearest-neighbour so a 96×96 view stays watchable.
/// </summary>
public sealed class RolloutVideoWriter : IDisposable
{
    private readonly Process _ffmpeg;
    private readonly Stream _stdin;
    private readonly Task<string> _stderr;
    private readonly int _width;
    private readonly int _height;
    private readonly string[] _cameras;
    private readonly byte[] _canvas;
    private bool _finished;

    private RolloutVideoWriter(string path, string[] cameras, int width, int height, int fps)
    {
        Path = path;
        _cameras = cameras;
        _width = width;
        _height = height;
        _canvas = new byte[width * height * 3];
        var scale = Math.Max(1, 256 / height);
        // yuv420p needs even sizes; pad after scaling. g=2-style short GOP is unnecessary here: these are watched, not seeked.
        var filter = $"scale=iw*{scale}:ih*{scale}:flags=neighbor,pad=ceil(iw/2)*2:ceil(ih/2)*2";
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-hide_banner", "-loglevel", "error", "-y",
                     "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "-",
                     "-vf", filter, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart", path,
                 })
            start.ArgumentList.Add(a);
        try
        {
            _ffmpeg = Process.Start(start) ?? throw new RobotHostException("could not start ffmpeg; install it (apt-get install ffmpeg, or run scripts/setup.sh)");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RobotHostException($"ffmpeg is not installed or not on PATH ({e.Message}); install it with apt-get install ffmpeg (scripts/setup.sh does)");
        }
        _stdin = _ffmpeg.StandardInput.BaseStream;
        _stderr = _ffmpeg.StandardError.ReadToEndAsync();
        _ = _ffmpeg.StandardOutput.ReadToEndAsync();
    }

    /// <summary>The mp4 being written.</summary>
    public string Path { get; }

    /// <summary>Frames written.</summary>
    public int Frames { get; private set; }

    /// <summary>A writer sized for the cameras of <paramref name="first"/>, or null when it has no images.</summary>
    public static RolloutVideoWriter? For(Observation first, string path, int fps)
    {
        var cameras = first.Images.Where(i => i.Value.IsWellFormed).Select(i => i.Key).Order(StringComparer.Ordinal).ToArray();
        if (cameras.Length == 0) return null;
        var width = cameras.Sum(c => first.Images[c].Width);
        var height = cameras.Max(c => first.Images[c].Height);
        return new RolloutVideoWriter(path, cameras, width, height, Math.Max(1, fps));
    }

    /// <summary>Appends the cameras of one observation as one frame (missing cameras stay black).</summary>
    public void Write(Observation observation)
    {
        Array.Clear(_canvas);
        var x0 = 0;
        foreach (var camera in _cameras)
        {
            if (observation.Images.TryGetValue(camera, out var frame) && frame.IsWellFormed)
            {
                var rows = Math.Min(frame.Height, _height);
                var cols = Math.Min(frame.Width, _width - x0);
                for (var y = 0; y < rows; y++)
                    Buffer.BlockCopy(frame.Rgb, y * frame.Width * 3, _canvas, (y * _width + x0) * 3, cols * 3);
                x0 += frame.Width;
            }
        }
        _stdin.Write(_canvas);
        Frames++;
    }

    /// <summary>Closes the pipe and waits for ffmpeg; an encoder failure names the file and ffmpeg's message.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        _stdin.Dispose();
        if (!_ffmpeg.WaitForExit(60_000))
        {
            _ffmpeg.Kill();
            throw new RobotHostException($"ffmpeg did not finish writing {Path} within 60 s");
        }
        if (_ffmpeg.ExitCode != 0)
            throw new RobotHostException($"ffmpeg failed writing {Path}: {_stderr.Result.Trim()}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_finished)
            {
                _finished = true;
                _stdin.Dispose();
                if (!_ffmpeg.WaitForExit(10_000)) _ffmpeg.Kill();
            }
        }
        catch (IOException)
        {
            // ffmpeg already gone: nothing left to close.
        }
        _ffmpeg.Dispose();
    }
}
