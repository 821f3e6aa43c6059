namespace RobotHost.Sdk;

/// <summary>A command to a robot: named target values (e.g. <c>shoulder_pan.pos</c> in degrees).</summary>
/// <param name="Values">Target per action name.</param>
public sealed record RobotAction(IReadOnlyDictionary<string, float> Values)
{
    /// <summary>Builds an action from a vector and the names of its elements.</summary>
    public static RobotAction FromVector(IReadOnlyList<string> names, ReadOnlySpan<float> vector)
    {
        if (names.Count != vector.Length)
            throw new ArgumentException($"action has {vector.Length} values but {names.Count} names ({string.Join(", ", names)})");
        var values = new Dictionary<string, float>(names.Count);
        for (var i = 0; i < names.Count; i++) values[names[i]] = vector[i];
        return new RobotAction(values);
    }

    /// <summary>The values of <paramref name="names"/> as a vector, in that order.</summary>
    public float[] ToVector(IReadOnlyList<string> names)
    {
        var vector = new float[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            vector[i] = Values.TryGetValue(names[i], out var v)
                ? v
                : throw new KeyNotFoundException($"action has no value '{names[i]}' (has: {string.Join(", ", Values.Keys)})");
        }
        return vector;
    }
}
