namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>
/// OpenCV prints its own warnings ("[ WARN:0] … can't open/read file") straight to stderr; plugins never write to the
/// console, and every failure it would warn about reaches our log as a message with the fix. Errors still show.
/// </summary>
internal static class OpenCvLogging
{
    private static readonly Lazy<bool> Quieted = new(() =>
    {
        OpenCvSharp.Cv2.SetLogLevel(OpenCvSharp.LogLevel.ERROR);
        return true;
    });

    public static void Quiet() => _ = Quieted.Value;
}
