namespace RobotHost.Evaluation;

/// <summary>
/// Checks a policy's action before it reaches the environment (or a robot): right size, finite, within bounds.
/// A bad action is never applied; the caller holds the last valid one instead.
/// </summary>
public sealed class ActionGuard
{
    private readonly int _size;
    private readonly IReadOnlyList<string> _names;
    private readonly float[]? _low;
    private readonly float[]? _high;
    private readonly float _magnitudeLimit;

    /// <summary>A guard for actions with these element names.</summary>
    public ActionGuard(IReadOnlyList<string> names, float[]? low, float[]? high, float magnitudeLimit)
    {
        _names = names;
        _size = names.Count;
        if (low is not null && low.Length != _size) throw new Sdk.RobotHostException($"action low bound has {low.Length} values, the action has {_size} ({string.Join(", ", names)})");
        if (high is not null && high.Length != _size) throw new Sdk.RobotHostException($"action high bound has {high.Length} values, the action has {_size} ({string.Join(", ", names)})");
        _low = low;
        _high = high;
        _magnitudeLimit = magnitudeLimit;
    }

    /// <summary>Null when <paramref name="action"/> is valid, else why not (naming the element).</summary>
    public string? Check(float[]? action)
    {
        if (action is null) return "policy returned no action (null)";
        if (action.Length != _size) return $"policy returned {action.Length} values, the environment takes {_size}";
        for (var i = 0; i < action.Length; i++)
        {
            var v = action[i];
            if (!float.IsFinite(v)) return $"{_names[i]} is {v}";
            if (MathF.Abs(v) > _magnitudeLimit) return $"{_names[i]} = {v} is beyond ±{_magnitudeLimit}";
            if (_low is not null && v < _low[i]) return $"{_names[i]} = {v} is below its limit {_low[i]}";
            if (_high is not null && v > _high[i]) return $"{_names[i]} = {v} is above its limit {_high[i]}";
        }
        return null;
    }
}
