namespace RobotHost.Tui;

/// <summary>
/// Range of each joint's bar: SO-101-like arms use their calibrated ranges in degrees (body joints ±110°, gripper
/// 0–100 %); other robots start at ±1 and widen to the min/max seen so far.
/// </summary>
public sealed class JointLimits
{
    private readonly Dictionary<string, (float Min, float Max)> _ranges = new();
    private readonly bool _fixed;

    /// <summary>Limits for the state names of a robot type.</summary>
    public JointLimits(IReadOnlyList<string> names, string robotType)
    {
        Names = names;
        _fixed = robotType.Contains("so10", StringComparison.OrdinalIgnoreCase) || robotType.Contains("so_10", StringComparison.OrdinalIgnoreCase);
        foreach (var name in names)
            _ranges[name] = _fixed ? (name.Contains("gripper", StringComparison.OrdinalIgnoreCase) ? (0f, 100f) : (-110f, 110f)) : (-1f, 1f);
    }

    /// <summary>Joint names in state order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Range of <paramref name="name"/>; learned ranges widen to include <paramref name="value"/>.</summary>
    public (float Min, float Max) RangeOf(string name, float value)
    {
        var range = _ranges.TryGetValue(name, out var r) ? r : (-1f, 1f);
        if (!_fixed && float.IsFinite(value))
        {
            range = (Math.Min(range.Item1, value), Math.Max(range.Item2, value));
            _ranges[name] = range;
        }
        return range;
    }

    /// <summary>A text bar of <paramref name="width"/> cells: filled up to the position, '|' at the position.</summary>
    public static string Bar(float value, float min, float max, int width)
    {
        width = Math.Max(3, width);
        if (!float.IsFinite(value) || !(max > min)) return new string('?', width);
        var t = Math.Clamp((value - min) / (max - min), 0f, 1f);
        var at = (int)Math.Round(t * (width - 1));
        var chars = new char[width];
        for (var i = 0; i < width; i++) chars[i] = i < at ? '█' : i == at ? '┃' : '·';
        return new string(chars);
    }
}
