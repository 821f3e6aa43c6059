namespace RobotHost.Learning.Normalization;

/// <summary>The statistics one feature is normalised with, per element, as saved in a checkpoint's normalization.json.</summary>
public sealed record FeatureNormalization
{
    /// <summary>Mode.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(NormalizationModeJsonConverter))]
    public required NormalizationMode Mode { get; init; }
    /// <summary>Mean per element.</summary>
    public required float[] Mean { get; init; }
    /// <summary>Standard deviation per element.</summary>
    public required float[] Std { get; init; }
    /// <summary>Minimum per element.</summary>
    public required float[] Min { get; init; }
    /// <summary>Maximum per element.</summary>
    public required float[] Max { get; init; }

    /// <summary>Guards against constant features (a gripper that never moved): LeRobot adds the same epsilon.</summary>
    public const float Epsilon = 1e-8f;

    /// <summary>Normalises <paramref name="values"/> in place.</summary>
    public void Normalize(Span<float> values)
    {
        var n = Mean.Length;
        for (var i = 0; i < values.Length; i++)
        {
            var j = i % n;
            values[i] = Mode switch
            {
                NormalizationMode.MeanStd => (values[i] - Mean[j]) / (Std[j] + Epsilon),
                NormalizationMode.MinMax => (values[i] - Min[j]) / (Max[j] - Min[j] + Epsilon) * 2f - 1f,
                _ => values[i],
            };
        }
    }

    /// <summary>Inverts <see cref="Normalize"/> in place.</summary>
    public void Unnormalize(Span<float> values)
    {
        var n = Mean.Length;
        for (var i = 0; i < values.Length; i++)
        {
            var j = i % n;
            values[i] = Mode switch
            {
                NormalizationMode.MeanStd => values[i] * (Std[j] + Epsilon) + Mean[j],
                NormalizationMode.MinMax => (values[i] + 1f) / 2f * (Max[j] - Min[j] + Epsilon) + Min[j],
                _ => values[i],
            };
        }
    }
}
