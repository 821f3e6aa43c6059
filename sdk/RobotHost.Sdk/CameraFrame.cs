namespace RobotHost.Sdk;

/// <summary>
/// One RGB image, row-major height × width × 3 bytes, with when it was captured.
/// Immutable by convention: producers never change a frame after handing it out.
/// </summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rgb">Pixels, RGB order, HWC layout, length Width*Height*3.</param>
/// <param name="Sequence">Per-camera counter starting at 0; gaps mean dropped frames, repeats mean a reused frame.</param>
/// <param name="CaptureTime">Capture time in seconds on the host's monotonic clock (<see cref="HostClock"/>).</param>
public sealed record CameraFrame(int Width, int Height, byte[] Rgb, long Sequence, double CaptureTime)
{
    /// <summary>Checks the buffer matches the declared size.</summary>
    public bool IsWellFormed => Width > 0 && Height > 0 && Rgb.Length == Width * Height * 3;
}
