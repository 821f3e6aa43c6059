namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>Validation shared by both camera configs.</summary>
internal static class CameraConfigRules
{
    public static IEnumerable<string> Name(string name)
    {
        // The name becomes part of a feature key (observation.images.<name>) and a dataset video folder.
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
            yield return $"name must be letters, digits, '_' or '-' (it becomes observation.images.<name>), got '{name}'";
    }

    public static IEnumerable<string> Common(int rotation, int warmupFrames, double stallTimeoutS)
    {
        if (rotation is not (0 or 90 or 180 or 270)) yield return $"rotation must be 0, 90, 180 or 270 (degrees clockwise), got {rotation}";
        if (warmupFrames is < 0 or > 1000) yield return $"warmup_frames must be between 0 and 1000, got {warmupFrames}";
        // Within 0.9 s so that, with the 100 ms stall check, an unplugged camera is reported within one second.
        if (!(stallTimeoutS is >= 0.05 and <= 0.9)) yield return $"stall_timeout_s must be between 0.05 and 0.9, got {stallTimeoutS}";
    }
}
