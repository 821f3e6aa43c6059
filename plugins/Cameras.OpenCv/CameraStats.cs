using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// Counters of one <see cref="ThreadedCamera"/>, a snapshot. "Read" counts frames handed to consumers through
/// <c>Read</c>/<c>ReadLatest</c>; dropped and repeated come from the sequence numbers consumers saw, so they are exact
/// for one consumer (a control loop) and a blend when several threads read the same camera.
/// </summary>
/// <param name="Camera">Camera name.</param>
/// <param name="Health">Health now.</param>
/// <param name="FramesCaptured">Frames the grabber published (warm-up frames not included).</param>
/// <param name="FramesRead">New frames handed to consumers.</param>
/// <param name="FramesDropped">Frames captured but never handed out: sum of sequence gaps between successive reads.</param>
/// <param name="FramesRepeated">Reads that returned the same frame as the read before (consumer faster than the camera).</param>
/// <param name="Reconnects">Times the grabber reopened the source after a failure.</param>
/// <param name="CaptureFps">Measured capture rate, smoothed over ~10 frame intervals (0 until two frames).</param>
/// <param name="EndOfStream">A non-looping file has ended.</param>
public sealed record CameraStats(
    string Camera,
    CameraHealth Health,
    long FramesCaptured,
    long FramesRead,
    long FramesDropped,
    long FramesRepeated,
    long Reconnects,
    double CaptureFps,
    bool EndOfStream);
