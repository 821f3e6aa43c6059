using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>
/// Builds a component's config record from <c>name=value</c> options (CLI) or JSON, then validates it.
/// Names may be snake_case (<c>episode_time</c>, as in LeRobot) or PascalCase.
/// </summary>
public static class ConfigBinder
{
    private static readonly JsonSerializerOptions SnakeCase = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Serializer options used for config JSON everywhere (checkpoints too).</summary>
    public static JsonSerializerOptions JsonOptions => SnakeCase;

    /// <summary>Binds <paramref name="options"/> onto a default <paramref name="configType"/> and validates.</summary>
    /// <exception cref="RobotHostException">An unknown option, a value of the wrong type, or a failed validation.</exception>
    public static ComponentConfig Bind(Type configType, string key, IReadOnlyDictionary<string, string>? options, ComponentConfig? baseConfig = null)
    {
        var node = JsonSerializer.SerializeToNode(baseConfig ?? Activator.CreateInstance(configType)!, configType, SnakeCase)!.AsObject();
        var known = node.Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in options ?? new Dictionary<string, string>())
        {
            var snake = JsonNamingPolicy.SnakeCaseLower.ConvertName(name.Replace('-', '_'));
            var property = known.FirstOrDefault(k => string.Equals(k, snake, StringComparison.OrdinalIgnoreCase) || string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
                throw new RobotHostException($"'{key}' has no option '{name}'; its options are: {string.Join(", ", known.Order())}");
            node[property] = ParseValue(node[property], value);
        }
        ComponentConfig config;
        try
        {
            config = (ComponentConfig)node.Deserialize(configType, SnakeCase)!;
        }
        catch (JsonException e)
        {
            throw new RobotHostException($"an option of '{key}' has a value of the wrong type ({e.Path}): {e.Message}", e);
        }
        return Validate(config, key);
    }

    /// <summary>The snake_case option names of <paramref name="configType"/>, as <see cref="Bind"/> accepts them.</summary>
    public static IReadOnlySet<string> OptionNames(Type configType) =>
        JsonSerializer.SerializeToNode(Activator.CreateInstance(configType)!, configType, SnakeCase)!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Validates a config, throwing one error that lists every problem.</summary>
    public static T Validate<T>(T config, string key) where T : ComponentConfig
    {
        var problems = config.Validate().ToList();
        if (problems.Count > 0)
            throw new RobotHostException($"invalid configuration of '{key}': {string.Join("; ", problems)}");
        return config;
    }

    /// <summary>Parses <c>a=1,b=two</c> or repeated <c>a=1</c> tokens into a dictionary.</summary>
    public static Dictionary<string, string> ParseOptions(IEnumerable<string>? tokens)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in tokens ?? [])
        {
            var eq = token.IndexOf('=');
            if (eq <= 0) throw new RobotHostException($"option '{token}' should look like name=value");
            result[token[..eq].Trim()] = token[(eq + 1)..].Trim();
        }
        return result;
    }

    private static JsonNode? ParseValue(JsonNode? current, string value)
    {
        // Keep strings as strings; let numbers, booleans, arrays and objects be JSON when the default is not a string.
        if (current is JsonValue v && v.TryGetValue<string>(out _)) return JsonValue.Create(value);
        try { return JsonNode.Parse(value); }
        catch (JsonException) { return JsonValue.Create(value); }
    }
}
