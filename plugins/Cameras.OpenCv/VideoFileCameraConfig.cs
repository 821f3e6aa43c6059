using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// Config of the <c>video_file</c> camera: an mp4 (or any video FFmpeg reads) or a folder of images played as a live
/// camera at its own frame rate, through the same background grabber as a real camera.
/// </summary>
public sealed record VideoFileCameraConfig : ComponentConfig
{
    /// <summary>Camera name in feature keys.</summary>
    public string Name { get; init; } = "front";

    /// <summary>A video file, or a folder of .png/.jpg/.bmp images played in name order.</summary>
    public string Path { get; init; } = "";

    /// <summary>Playback rate; 0 = the file's own rate (30 for an image folder).</summary>
    public double Fps { get; init; }

    /// <summary>Start again at the end (true), or stop there (health Stalled, <c>Read</c> throws EndOfStreamException).</summary>
    public bool Loop { get; init; } = true;

    /// <summary>Resize every frame to this width (0 = as stored; set with height).</summary>
    public int Width { get; init; }

    /// <summary>Resize every frame to this height (0 = as stored; set with width).</summary>
    public int Height { get; init; }

    /// <summary>Clockwise rotation applied to every frame: 0, 90, 180 or 270.</summary>
    public int Rotation { get; init; }

    /// <summary>Frames skipped at the start of each play-through.</summary>
    public int WarmupFrames { get; init; }

    /// <summary>
    /// <c>auto</c>: OpenCV's bundled FFmpeg (mp4v, MJPG), else the system <c>ffmpeg</c> through a raw-video pipe
    /// (H.264, AV1…); <c>opencv</c> or <c>ffmpeg</c> to force one.
    /// </summary>
    public string Decoder { get; init; } = "auto";

    /// <summary>No frame for this long → health Stalled and a warning.</summary>
    public double StallTimeoutS { get; init; } = 0.5;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in CameraConfigRules.Name(Name)) yield return problem;
        if (string.IsNullOrWhiteSpace(Path)) yield return "path must name a video file or a folder of images";
        if (!(Fps is >= 0 and <= 240)) yield return $"fps must be between 0 (the file's own) and 240, got {Fps}";
        if (Width < 0 || Height < 0 || (Width == 0) != (Height == 0))
            yield return $"width and height must both be 0 (as stored) or both positive, got {Width}x{Height}";
        if (Decoder is not ("auto" or "opencv" or "ffmpeg")) yield return $"decoder must be auto, opencv or ffmpeg, got '{Decoder}'";
        foreach (var problem in CameraConfigRules.Common(Rotation, WarmupFrames, StallTimeoutS)) yield return problem;
    }
}
