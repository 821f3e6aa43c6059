using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// A V4L2 camera through OpenCV. Requests FOURCC first, then size, then rate (V4L2 drivers pick the size list from the
/// pixel format), then reads every setting back and a real frame, and compares with the request.
/// </summary>
internal sealed class V4l2CameraSource : IFrameSource
{
    private readonly OpenCvCameraConfig _config;
    private readonly string _deviceDirectory;
    private readonly ILogger _log;
    private VideoCapture? _capture;
    private Mat? _firstFrame;

    public V4l2CameraSource(OpenCvCameraConfig config, ILogger log, string deviceDirectory = "/dev")
    {
        _config = config;
        _log = log;
        _deviceDirectory = deviceDirectory;
        DevicePath = int.TryParse(config.IndexOrPath, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? Path.Combine(deviceDirectory, $"video{index}")
            : config.IndexOrPath;
        Width = config.Width;
        Height = config.Height;
        Fps = config.Fps;
        Fourcc = config.Fourcc;
    }

    public string DevicePath { get; }

    public string Fourcc { get; private set; }

    public string Description => $"{DevicePath} {(Fourcc.Length > 0 ? Fourcc + " " : "")}{Width}x{Height}@{Fps:0.##}";

    public int Width { get; private set; }

    public int Height { get; private set; }

    public double Fps { get; private set; }

    public bool PacedByHost => false;

    public void Open()
    {
        Close();
        var name = _config.Name;
        if (!File.Exists(DevicePath))
            throw new RobotHostException($"camera '{name}': {DevicePath} does not exist. {VideoDevices.Describe(VideoDevices.List(_deviceDirectory))} Set index_or_path to one of them.");
        var capture = new VideoCapture(DevicePath, VideoCaptureAPIs.V4L2);
        try
        {
            if (!capture.IsOpened())
                throw new RobotHostException($"camera '{name}': {DevicePath} exists but cannot be opened as a camera: another program may be using it, your user may lack the 'video' group, " +
                    $"or it is a metadata node (USB cameras create two; the first usually captures). {VideoDevices.Describe(VideoDevices.List(_deviceDirectory))}");
            if (_config.Fourcc.Length == 4)
                capture.Set(VideoCaptureProperties.FourCC, VideoWriter.FourCC(_config.Fourcc[0], _config.Fourcc[1], _config.Fourcc[2], _config.Fourcc[3]));
            capture.Set(VideoCaptureProperties.FrameWidth, _config.Width);
            capture.Set(VideoCaptureProperties.FrameHeight, _config.Height);
            capture.Set(VideoCaptureProperties.Fps, _config.Fps);

            var frame = new Mat();
            if (!capture.Read(frame) || frame.Empty())
            {
                frame.Dispose();
                throw new RobotHostException($"camera '{name}': {DevicePath} opened but gave no frame; check the cable and that no other program streams from it");
            }
            var fourcc = FourccText(capture.Get(VideoCaptureProperties.FourCC));
            var fps = capture.Get(VideoCaptureProperties.Fps);
            try
            {
                CheckDeliveredMode(_config, DevicePath, frame.Width, frame.Height, fps, fourcc, _log);
            }
            catch (RobotHostException)
            {
                frame.Dispose();
                throw;
            }
            Width = frame.Width;
            Height = frame.Height;
            Fps = fps > 0 ? fps : _config.Fps;
            Fourcc = fourcc;
            _firstFrame = frame;
            _capture = capture;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    public SourceRead Read(Mat bgr)
    {
        if (_capture is null) return SourceRead.Failed;
        if (_firstFrame is not null)
        {
            // The frame read to verify the mode is a real one: hand it on rather than waste it.
            _firstFrame.CopyTo(bgr);
            _firstFrame.Dispose();
            _firstFrame = null;
            return SourceRead.Frame;
        }
        return _capture.Read(bgr) && !bgr.Empty() ? SourceRead.Frame : SourceRead.Failed;
    }

    public void Close()
    {
        _firstFrame?.Dispose();
        _firstFrame = null;
        _capture?.Release();
        _capture?.Dispose();
        _capture = null;
    }

    public void Dispose() => Close();

    /// <summary>
    /// Compares what the device delivers with what was requested: strict → <see cref="RobotHostException"/> naming each
    /// difference; otherwise one warning and the delivered mode is used. Size is checked on a real frame, not the property.
    /// </summary>
    internal static void CheckDeliveredMode(OpenCvCameraConfig config, string device, int width, int height, double fps, string fourcc, ILogger log)
    {
        var problems = new List<string>();
        if (width != config.Width || height != config.Height)
            problems.Add($"size {width}x{height} instead of {config.Width}x{config.Height}");
        // Drivers report 30 for 30000/1001 and the like; half a frame per second apart is another mode.
        if (Math.Abs(fps - config.Fps) > 0.5)
            problems.Add($"{fps:0.##} fps instead of {config.Fps:0.##}");
        if (config.Fourcc.Length == 4 && !string.Equals(fourcc, config.Fourcc, StringComparison.OrdinalIgnoreCase))
            problems.Add($"pixel format '{fourcc}' instead of '{config.Fourcc}'");
        if (problems.Count == 0) return;
        var message = $"camera '{config.Name}' ({device}) delivers {string.Join(", ", problems)}";
        if (config.Strict)
            throw new RobotHostException($"{message}. Pick a mode it supports (see `robothost find-cameras`), or set strict=false to use what it delivers.");
        log.LogWarning("{Message}; using it because strict=false", message);
    }

    /// <summary>The four characters of a FOURCC code as OpenCV reports it (a double holding a little-endian int).</summary>
    public static string FourccText(double code)
    {
        var value = (int)code;
        if (value <= 0) return "";
        return new string([(char)(value & 0xFF), (char)((value >> 8) & 0xFF), (char)((value >> 16) & 0xFF), (char)((value >> 24) & 0xFF)]).TrimEnd('\0', ' ');
    }
}
