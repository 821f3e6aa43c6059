namespace RobotHost.Sdk;

/// <summary>
/// The version of the contracts in this assembly. The host refuses a plugin built against
/// another major version (semantic versioning: a new major breaks, a minor adds).
/// </summary>
public static class SdkVersion
{
    /// <summary>Major version: plugins built against another major are refused.</summary>
    public const int Major = 1;

    /// <summary>Minor version: plugins built against an older or equal minor load.</summary>
    public const int Minor = 3;

    /// <summary>The version as text, e.g. "1.3".</summary>
    public static string Text => $"{Major}.{Minor}";
}
