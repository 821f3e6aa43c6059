using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobotHost.Learning.Normalization;

/// <summary>Reads <c>mean_std</c>, <c>MeanStd</c> or <c>meanstd</c> alike (CLI <c>--set</c> and LeRobot spellings); writes snake_case.</summary>
public sealed class NormalizationModeJsonConverter : JsonConverter<NormalizationMode>
{
    /// <inheritdoc />
    public override NormalizationMode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? "";
        var compact = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        return compact switch
        {
            "meanstd" => NormalizationMode.MeanStd,
            "minmax" => NormalizationMode.MinMax,
            "identity" or "none" => NormalizationMode.Identity,
            _ => throw new JsonException($"normalization mode must be mean_std, min_max or identity, got '{text}'"),
        };
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, NormalizationMode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value switch
        {
            NormalizationMode.MeanStd => "mean_std",
            NormalizationMode.MinMax => "min_max",
            _ => "identity",
        });
}
