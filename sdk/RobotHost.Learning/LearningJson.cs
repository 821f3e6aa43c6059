using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobotHost.Learning;

/// <summary>The JSON conventions of checkpoints: snake_case names as in LeRobot's config.json, indented, enums as strings.</summary>
public static class LearningJson
{
    /// <summary>Options for config.json, normalization.json and training logs.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
