using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// Config of the <c>opencv</c> camera: a V4L2 device by index (<c>0</c> → <c>/dev/video0</c>) or path.
/// Width, height, fps and FOURCC are requested, then read back and checked (LeRobot's OpenCVCamera does the same):
/// a camera that delivers something else is an error when <see cref="Strict"/>, else a warning.
/// Width and height are what the device is asked for; rotation 90/270 swaps the delivered frame's sides.
/// </summary>
public sealed record OpenCvCameraConfig : ComponentConfig
{
    /// <summary>Camera name in feature keys (<c>observation.images.&lt;name&gt;</c>).</summary>
    public string Name { get; init; } = "front";

    /// <summary>Device index (<c>0</c>) or path (<c>/dev/video0</c>, <c>/dev/v4l/by-id/…</c>).</summary>
    public string IndexOrPath { get; init; } = "0";

    /// <summary>Requested width in pixels.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Requested height in pixels.</summary>
    public int Height { get; init; } = 480;

    /// <summary>Requested frames per second.</summary>
    public double Fps { get; init; } = 30;

    /// <summary>Requested pixel format; MJPG lets USB 2 cameras reach 640×480@30 (raw YUYV often cannot). Empty = device default.</summary>
    public string Fourcc { get; init; } = "MJPG";

    /// <summary>Clockwise rotation applied to every frame: 0, 90, 180 or 270.</summary>
    public int Rotation { get; init; }

    /// <summary>Frames discarded after every (re)open while auto-exposure settles (LeRobot warms up for ~1 s).</summary>
    public int WarmupFrames { get; init; } = 30;

    /// <summary>True: a mode other than the one requested fails <c>Connect</c>. False: logged as a warning and used.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>No frame for this long → health Stalled and a warning (unplugged cable, hung driver).</summary>
    public double StallTimeoutS { get; init; } = 0.5;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in CameraConfigRules.Name(Name)) yield return problem;
        if (string.IsNullOrWhiteSpace(IndexOrPath)) yield return "index_or_path must be a device index (0) or path (/dev/video0)";
        if (Width is < 1 or > 8192) yield return $"width must be between 1 and 8192, got {Width}";
        if (Height is < 1 or > 8192) yield return $"height must be between 1 and 8192, got {Height}";
        if (!(Fps is > 0 and <= 240)) yield return $"fps must be between 1 and 240, got {Fps}";
        if (Fourcc.Length is not (0 or 4)) yield return $"fourcc must be four characters (MJPG, YUYV) or empty for the device default, got '{Fourcc}'";
        foreach (var problem in CameraConfigRules.Common(Rotation, WarmupFrames, StallTimeoutS)) yield return problem;
    }
}
