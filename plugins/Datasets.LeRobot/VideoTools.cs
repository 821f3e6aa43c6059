using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// The system FFmpeg (Debian package <c>ffmpeg</c>), driven through raw rgb24 pipes. OpenCV's bundled FFmpeg can
/// neither write H.264/AV1 nor read AV1 (docs/environment.md, "Video for datasets"), so every video goes through here.
/// </summary>
public sealed partial class VideoTools
{
    /// <summary>The error for a machine without ffmpeg.</summary>
    public const string MissingMessage = "ffmpeg not found; install it with `sudo apt-get install ffmpeg`";

    private readonly string? _configuredPath;

    /// <summary>Uses <paramref name="ffmpegPath"/>, or <c>ffmpeg</c> found on PATH.</summary>
    public VideoTools(string? ffmpegPath = null) => _configuredPath = ffmpegPath;

    /// <summary>The ffmpeg executable, or the install hint as a <see cref="RobotHostException"/>.</summary>
    public string Ffmpeg
    {
        get
        {
            if (_configuredPath is not null)
                return File.Exists(_configuredPath) ? _configuredPath : throw new RobotHostException($"{MissingMessage} (looked for {_configuredPath})");
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, "ffmpeg");
                if (File.Exists(candidate)) return candidate;
            }
            throw new RobotHostException(MissingMessage);
        }
    }

    /// <summary>LeRobot's codec names (info.json <c>video.codec</c>) to encoder arguments.</summary>
    internal static string EncoderArguments(string codec) => codec switch
    {
        // GOP 2 as LeRobot (video_utils.encode_video_frames g=2): cheap random access. No B-frames, so pts = dts and
        // concatenated segments keep exact frame times. ultrafast + zerolatency: with GOP 2 nearly every other frame is
        // a key frame, so the slower presets buy little size for 4× the CPU (0.55 s vs 2.2 s user per 10 s of 640×480
        // here); the encoder keeps up live on a loaded machine and holds no look-ahead, so closing a segment at the end
        // of an episode is immediate (docs/benchmarks.md, "Recording"). No CABAC also makes training-time decodes cheaper.
        "h264" => "-c:v libx264 -pix_fmt yuv420p -g 2 -bf 0 -preset ultrafast -tune zerolatency -crf 23",
        // LeRobot's default: libsvtav1, yuv420p, g=2, crf=30.
        "av1" => "-c:v libsvtav1 -pix_fmt yuv420p -g 2 -crf 30 -preset 10",
        _ => throw new RobotHostException($"video codec '{codec}' is not supported; use h264 or av1"),
    };

    /// <summary>Starts encoding raw RGB frames of one camera into <paramref name="outputPath"/>.</summary>
    public SegmentEncoder StartEncoder(string outputPath, int width, int height, int fps, string codec)
    {
        if (width % 2 != 0 || height % 2 != 0)
            throw new RobotHostException($"camera frames of {width}×{height} cannot be encoded as yuv420p; use an even width and height");
        var args = $"-hide_banner -nostdin -v error -f rawvideo -pix_fmt rgb24 -s {width}x{height} -r {fps} -i pipe:0 {EncoderArguments(codec)} -r {fps} {FragmentedMp4.MuxerArguments} -y \"{outputPath}\"";
        return new SegmentEncoder(Start(args, redirectInput: true), outputPath, width * height * 3);
    }

    /// <summary>Re-encodes a video to another codec (e.g. h264 → av1 for publishing), keeping frame times.</summary>
    public void Transcode(string inputPath, string outputPath, string codec, int fps) =>
        Run($"-hide_banner -nostdin -v error -i \"{inputPath}\" {EncoderArguments(codec)} -r {fps} -movflags +faststart -y \"{outputPath}\"", inputPath);

    /// <summary>
    /// Decodes up to <paramref name="maxFrames"/> frames from <paramref name="startSeconds"/> on, with their
    /// presentation times in the file's own clock (as LeRobot compares them: from_timestamp + timestamp).
    /// </summary>
    public IReadOnlyList<(double Time, byte[] Rgb)> Decode(string path, double startSeconds, int maxFrames, int width, int height)
    {
        if (!File.Exists(path))
            throw new RobotHostException($"video file {path} is missing; download or copy the dataset's videos/ folder again");
        // Input seek lands on the key frame before the start, decodes forward and drops earlier frames; -copyts keeps
        // the file's timestamps so they can be checked against the request.
        var seek = startSeconds > 0 ? $"-ss {startSeconds.ToString("R", CultureInfo.InvariantCulture)} " : "";
        var args = $"-hide_banner -nostdin -nostats -v info -copyts {seek}-i \"{path}\" -an -frames:v {maxFrames} -vf showinfo -f rawvideo -pix_fmt rgb24 -s {width}x{height} pipe:1";
        using var process = Start(args, redirectInput: false);
        var stderr = process.StandardError.ReadToEndAsync();
        var frameBytes = width * height * 3;
        var frames = new List<byte[]>();
        var stdout = process.StandardOutput.BaseStream;
        while (true)
        {
            var buffer = new byte[frameBytes];
            var read = stdout.ReadAtLeast(buffer, frameBytes, throwOnEndOfStream: false);
            if (read < frameBytes) break;
            frames.Add(buffer);
        }
        process.WaitForExit();
        var log = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw Corrupt(path, log);
        // Exact times from integer pts and the stream time base (pts_time is printed with only 6 significant digits).
        var timeBase = TimeBase().Match(log);
        if (!timeBase.Success) throw Corrupt(path, "decoder reported no time base");
        var num = double.Parse(timeBase.Groups[1].Value, CultureInfo.InvariantCulture);
        var den = double.Parse(timeBase.Groups[2].Value, CultureInfo.InvariantCulture);
        var times = Pts().Matches(log).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * num / den).ToList();
        if (times.Count < frames.Count)
            throw Corrupt(path, "decoder reported fewer frame times than frames");
        return frames.Select((f, i) => (times[i], f)).ToList();
    }

    private static RobotHostException Corrupt(string path, string log)
    {
        var reason = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.Contains("Parsed_showinfo", StringComparison.Ordinal) && !l.StartsWith("Stream", StringComparison.Ordinal)) ?? "no output";
        return new RobotHostException($"video file {path} could not be decoded ({reason}); the file is corrupt or truncated — copy it again from the original dataset");
    }

    internal void Run(string args, string subject)
    {
        using var process = Start(args, redirectInput: false);
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var log = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw Corrupt(subject, log);
    }

    internal Process Start(string args, bool redirectInput)
    {
        var info = new ProcessStartInfo(Ffmpeg, args)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            return Process.Start(info) ?? throw new RobotHostException(MissingMessage);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RobotHostException($"{MissingMessage} ({e.Message})", e);
        }
    }

    [GeneratedRegex(@" pts:\s*(-?[0-9]+) pts_time")]
    private static partial Regex Pts();

    [GeneratedRegex(@"config in time_base: ([0-9]+)/([0-9]+)")]
    private static partial Regex TimeBase();
}
