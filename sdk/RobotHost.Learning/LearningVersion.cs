namespace RobotHost.Learning;

/// <summary>
/// The version of the learning building blocks that policy plugins share with the host (one copy per process, like the
/// SDK). The host refuses a plugin built against another major version, or against a newer minor than its own.
/// </summary>
public static class LearningVersion
{
    /// <summary>Major version: plugins built against another major are refused.</summary>
    public const int Major = 1;

    /// <summary>Minor version: plugins built against an older or equal minor load.</summary>
    public const int Minor = 0;

    /// <summary>The version as text, e.g. "1.0".</summary>
    public static string Text => $"{Major}.{Minor}";
}
