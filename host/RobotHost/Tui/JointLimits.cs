using RobotHost.Sdk;

namespace RobotHost.Tui;

/// <summary>
/// Range of each joint's bar: the limits the robot states on its state feature (<see cref="FeatureSpec.Lower"/>,
/// <see cref="FeatureSpec.Upper"/>); a robot that states none starts at ±1 and widens to the min/max seen so far.
/// </summary>
public sealed class JointLimits
{
    private readonly Dictionary<string, (float Min, float Max)> _ranges = new();
    private readonly bool _fixed;

    /// <summary>Limits for the elements of a robot's state feature.</summary>
    public JointLimits(FeatureSpec state)
    {
        Names = state.Names ?? [];
        _fixed = state.HasLimits && Names.Count == state.ElementCount;
        for (var i = 0; i < Names.Count; i++)
            _ranges[Names[i]] = _fixed ? ((float)state.Lower![i], (float)state.Upper![i]) : (-1f, 1f);
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
