namespace RobotHost.Sdk;

/// <summary>
/// What a robot or environment observes at one tick: named scalar values
/// (e.g. <c>shoulder_pan.pos</c> in degrees, <c>gripper.pos</c> 0–100) and camera frames by camera name.
/// No tensors: policies convert on their side.
/// </summary>
public sealed class Observation
{
    /// <summary>Named scalars, in the order of the producer's state feature names.</summary>
    public required IReadOnlyDictionary<string, float> Values { get; init; }

    /// <summary>Camera frames by camera name (e.g. <c>front</c>, <c>wrist</c>).</summary>
    public IReadOnlyDictionary<string, CameraFrame> Images { get; init; } = new Dictionary<string, CameraFrame>();

    /// <summary>When the observation was taken, <see cref="HostClock"/> seconds.</summary>
    public double Timestamp { get; init; } = HostClock.Now;

    /// <summary>The values of <paramref name="names"/> as a vector, in that order.</summary>
    /// <exception cref="KeyNotFoundException">A name is missing, with the name in the message.</exception>
    public float[] ToVector(IReadOnlyList<string> names)
    {
        var vector = new float[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            vector[i] = Values.TryGetValue(names[i], out var v)
                ? v
                : throw new KeyNotFoundException($"observation has no value '{names[i]}' (has: {string.Join(", ", Values.Keys)})");
        }
        return vector;
    }
}
