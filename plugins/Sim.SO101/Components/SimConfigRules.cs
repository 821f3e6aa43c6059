using RobotHost.Plugins.Sim.SO101.Rendering;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>Validation shared by the simulator's configs.</summary>
internal static class SimConfigRules
{
    public static IEnumerable<string> Rig(string rig)
    {
        if (string.IsNullOrWhiteSpace(rig)) yield return "rig must name the simulated rig components share, e.g. default";
    }

    public static IEnumerable<string> Fps(int fps)
    {
        if (fps is < 1 or > 240) yield return $"fps must be between 1 and 240, got {fps}";
    }

    public static IEnumerable<string> Size(string what, int value)
    {
        if (value is < 8 or > 4096) yield return $"{what} must be between 8 and 4096 pixels, got {value}";
    }

    public static IEnumerable<string> Probability(string what, double value)
    {
        if (!(value is >= 0 and <= 1)) yield return $"{what} must be a probability between 0 and 1, got {value}";
    }

    public static IEnumerable<string> NonNegative(string what, double value, double max)
    {
        if (!(value >= 0 && value <= max)) yield return $"{what} must be between 0 and {max}, got {value}";
    }

    public static IEnumerable<string> Framing(string what, string value)
    {
        if (value is not ("table" or "zones")) yield return $"{what} must be 'table' (whole table) or 'zones' (zoomed on the cube zones), got '{value}'";
    }

    public static FrontFraming ParseFraming(string value) => value == "zones" ? FrontFraming.Zones : FrontFraming.Table;

    public static IReadOnlyList<string> CameraList(string cameras) =>
        cameras.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
