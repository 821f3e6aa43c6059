using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// <c>robothost find-cameras [--out DIR]</c>: lists the video devices with the modes they offer and saves a PNG
/// snapshot of each, so the user can tell which index is the wrist camera and which the front one
/// (LeRobot's <c>lerobot-find-cameras</c> does the same).
/// </summary>
public static partial class FindCamerasCommand
{
    private static readonly (int Width, int Height)[] CommonSizes = [(320, 240), (640, 480), (1280, 720), (1920, 1080)];
    private static readonly string[] CommonFourccs = ["MJPG", "YUYV"];

    /// <summary>Runs the command. Exit code 0 (also when no camera is found: that is a result, said clearly).</summary>
    public static int Run(IReadOnlyList<string> args, IPluginContext context, CancellationToken cancel) =>
        Run(args, context, "/dev", cancel);

    internal static int Run(IReadOnlyList<string> args, IPluginContext context, string deviceDirectory, CancellationToken cancel)
    {
        var outDirectory = Path.Combine(context.DataDirectory, "find-cameras");
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Count:
                    outDirectory = args[++i];
                    break;
                case "-h" or "--help":
                    context.Operator.Say("usage: robothost find-cameras [--out DIR]   (lists /dev/video* with their modes, saves DIR/videoN.png)");
                    return 0;
                default:
                    throw new RobotHostException($"find-cameras: unknown argument '{args[i]}'; usage: robothost find-cameras [--out DIR]");
            }
        }

        var log = context.LoggerFactory.CreateLogger("find-cameras");
        OpenCvLogging.Quiet();
        var devices = VideoDevices.List(deviceDirectory);
        if (devices.Count == 0)
        {
            context.Operator.Say(VideoDevices.Describe(devices));
            context.Operator.Say("Without a camera, the video_file camera plays an mp4 or a folder of images instead: camera=video_file path=clip.mp4");
            return 0;
        }

        Directory.CreateDirectory(outDirectory);
        var hasV4l2Ctl = ProgramExists("v4l2-ctl");
        context.Operator.Say($"{devices.Count} video device(s); modes from {(hasV4l2Ctl ? "v4l2-ctl" : "probing common modes with OpenCV (install v4l-utils for the full list)")}:");
        var usable = 0;
        foreach (var device in devices)
        {
            cancel.ThrowIfCancellationRequested();
            var modes = hasV4l2Ctl ? ListModesWithV4l2Ctl(device.Path) : ProbeModes(device.Path);
            var snapshot = Path.Combine(outDirectory, $"video{device.Index}.png");
            var saved = SaveSnapshot(device.Path, snapshot, log);
            if (saved is null)
            {
                context.Operator.Say($"- {device}: cannot capture (metadata node, busy, or no permission)");
                continue;
            }
            usable++;
            context.Operator.Say($"- {device}: index_or_path={device.Path}, default {saved}");
            foreach (var mode in modes) context.Operator.Say($"    {mode}");
            context.Operator.Say($"    snapshot: {snapshot}");
        }
        context.Operator.Say(usable == 0
            ? "None of them could capture a frame: close other programs using them and check the 'video' group."
            : $"{usable} camera(s) captured a frame; open the snapshots to see which is which.");
        return 0;
    }

    /// <summary>Parses <c>v4l2-ctl --list-formats-ext</c> into lines like "MJPG 640x480 @ 30, 15 fps".</summary>
    internal static IReadOnlyList<string> ParseV4l2Formats(string output)
    {
        var modes = new List<string>();
        string? fourcc = null, size = null;
        var rates = new List<string>();
        void Flush()
        {
            if (fourcc is not null && size is not null) modes.Add($"{fourcc} {size}{(rates.Count > 0 ? $" @ {string.Join(", ", rates)} fps" : "")}");
            rates.Clear();
        }
        foreach (var line in output.Split('\n'))
        {
            if (FormatLine().Match(line) is { Success: true } format)
            {
                Flush();
                size = null;
                fourcc = format.Groups[1].Value;
            }
            else if (SizeLine().Match(line) is { Success: true } s)
            {
                Flush();
                size = s.Groups[1].Value;
            }
            else if (RateLine().Match(line) is { Success: true } r)
            {
                rates.Add(double.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture).ToString("0.##", CultureInfo.InvariantCulture));
            }
        }
        Flush();
        return modes;
    }

    private static IReadOnlyList<string> ListModesWithV4l2Ctl(string device)
    {
        var start = new ProcessStartInfo("v4l2-ctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-d", device, "--list-formats-ext" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        var modes = ParseV4l2Formats(output);
        return modes.Count > 0 ? modes : ["(v4l2-ctl lists no capture formats)"];
    }

    private static IReadOnlyList<string> ProbeModes(string device)
    {
        var found = new List<string>();
        using var capture = new VideoCapture(device, VideoCaptureAPIs.V4L2);
        if (!capture.IsOpened()) return [];
        foreach (var fourcc in CommonFourccs)
        {
            foreach (var (width, height) in CommonSizes)
            {
                capture.Set(VideoCaptureProperties.FourCC, VideoWriter.FourCC(fourcc[0], fourcc[1], fourcc[2], fourcc[3]));
                capture.Set(VideoCaptureProperties.FrameWidth, width);
                capture.Set(VideoCaptureProperties.FrameHeight, height);
                capture.Set(VideoCaptureProperties.Fps, 30);
                var gotFourcc = V4l2CameraSource.FourccText(capture.Get(VideoCaptureProperties.FourCC));
                var gotWidth = (int)capture.Get(VideoCaptureProperties.FrameWidth);
                var gotHeight = (int)capture.Get(VideoCaptureProperties.FrameHeight);
                var gotFps = capture.Get(VideoCaptureProperties.Fps);
                if (gotFourcc == fourcc && gotWidth == width && gotHeight == height)
                    found.Add($"{fourcc} {width}x{height} @ {gotFps:0.##} fps (asked 30)");
            }
        }
        return found;
    }

    private static string? SaveSnapshot(string device, string path, ILogger log)
    {
        try
        {
            using var capture = new VideoCapture(device, VideoCaptureAPIs.V4L2);
            if (!capture.IsOpened()) return null;
            using var frame = new Mat();
            // Discard a few frames so auto-exposure has settled a little.
            for (var i = 0; i < 10; i++) capture.Read(frame);
            if (!capture.Read(frame) || frame.Empty()) return null;
            Cv2.ImWrite(path, frame);
            var fourcc = V4l2CameraSource.FourccText(capture.Get(VideoCaptureProperties.FourCC));
            return $"{fourcc} {frame.Width}x{frame.Height} @ {capture.Get(VideoCaptureProperties.Fps):0.##} fps";
        }
        catch (OpenCVException e)
        {
            log.LogWarning(e, "snapshot of {Device} failed", device);
            return null;
        }
    }

    private static bool ProgramExists(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, name)));

    [GeneratedRegex(@"^\s*\[\d+\]:\s*'([^']+)'")]
    private static partial Regex FormatLine();

    [GeneratedRegex(@"Size:\s*\w+\s+(\d+x\d+)")]
    private static partial Regex SizeLine();

    [GeneratedRegex(@"Interval:.*\(([\d.]+) fps\)")]
    private static partial Regex RateLine();
}
