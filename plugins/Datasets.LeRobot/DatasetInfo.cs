using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>meta/info.json: schema, totals and path templates (lerobot DatasetInfo / create_empty_dataset_info).</summary>
public static class DatasetInfo
{
    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A new v3.0 info.json for a schema.</summary>
    public static JsonObject Create(DatasetSchema schema, DatasetWriterOptions options)
    {
        var features = new JsonObject();
        foreach (var f in schema.Features)
        {
            var node = new JsonObject
            {
                ["dtype"] = f.DType,
                ["shape"] = new JsonArray(f.Shape.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
                ["names"] = f.Names is null ? null : new JsonArray(f.Names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            };
            if (f.IsVisual) node["info"] = VideoInfo(f, schema.Fps, options.VideoCodec);
            // Extra keys LeRobot ignores: the robot's stated ranges, so checks need not guess them from robot_type.
            if (f.HasLimits)
            {
                node["lower"] = new JsonArray(f.Lower!.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
                node["upper"] = new JsonArray(f.Upper!.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            }
            if (f.Units is { } units) node["units"] = new JsonArray(units.Select(u => (JsonNode)JsonValue.Create(u)).ToArray());
            features[f.Key] = node;
        }
        foreach (var (key, dtype) in LeRobotLayout.DefaultFeatures)
            features[key] = new JsonObject { ["dtype"] = dtype, ["shape"] = new JsonArray(1), ["names"] = null };
        return new JsonObject
        {
            ["codebase_version"] = LeRobotLayout.CodebaseVersion,
            ["robot_type"] = schema.RobotType,
            ["total_episodes"] = 0,
            ["total_frames"] = 0,
            ["total_tasks"] = 0,
            ["chunks_size"] = LeRobotLayout.ChunksSize,
            ["data_files_size_in_mb"] = options.DataFilesSizeInMb,
            ["video_files_size_in_mb"] = options.VideoFilesSizeInMb,
            ["fps"] = schema.Fps,
            ["splits"] = new JsonObject { ["train"] = "0:0" },
            ["data_path"] = LeRobotLayout.DataPathTemplate,
            ["video_path"] = schema.VisualFeatures.Any() ? LeRobotLayout.VideoPathTemplate : null,
            ["features"] = features,
        };
    }

    /// <summary>The <c>info</c> block of a video feature, with the fields lerobot's get_video_info writes.</summary>
    public static JsonObject VideoInfo(FeatureSpec f, int fps, string codec) => new()
    {
        ["video.height"] = f.Shape[0],
        ["video.width"] = f.Shape[1],
        ["video.codec"] = codec,
        ["video.pix_fmt"] = "yuv420p",
        ["video.is_depth_map"] = false,
        ["video.fps"] = fps,
        ["video.channels"] = 3,
        ["has_audio"] = false,
    };

    /// <summary>Reads info.json; a missing or malformed file is an error naming it.</summary>
    public static JsonObject Load(string root)
    {
        var path = Path.Combine(root, LeRobotLayout.InfoPath);
        if (!File.Exists(path))
            throw new RobotHostException($"{path} is missing; '{root}' is not a LeRobot dataset (or was copied without meta/)");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new RobotHostException($"{path} is not a JSON object; copy meta/info.json again from the original dataset");
        }
        catch (JsonException e)
        {
            throw new RobotHostException($"{path} is corrupt or truncated ({e.Message}); copy meta/info.json again from the original dataset", e);
        }
    }

    /// <summary>The schema described by info.json (the five bookkeeping columns left out).</summary>
    public static DatasetSchema Schema(JsonObject info, string path)
    {
        try
        {
            var features = new List<FeatureSpec>();
            foreach (var (key, node) in info["features"]!.AsObject())
            {
                if (LeRobotLayout.IsDefaultFeature(key) || node is null) continue;
                var dtype = node["dtype"]!.GetValue<string>();
                if (dtype is "string" or "language") continue;
                var shape = node["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
                features.Add(new FeatureSpec(key, dtype, shape, Names(node["names"]))
                {
                    Lower = Numbers(node["lower"]), Upper = Numbers(node["upper"]), Units = Strings(node["units"]),
                });
            }
            return new DatasetSchema(info["robot_type"]?.GetValue<string>() ?? "unknown", info["fps"]!.GetValue<int>(), features);
        }
        catch (Exception e) when (e is not RobotHostException)
        {
            throw new RobotHostException($"{path} has no valid 'features'/'fps' ({e.Message}); copy meta/info.json again from the original dataset", e);
        }
    }

    // Optional lists robothost writes (lower, upper, units); anything else reads as absent rather than failing the dataset.
    private static IReadOnlyList<double>? Numbers(JsonNode? node) =>
        node is JsonArray array && array.All(v => v is JsonValue value && value.TryGetValue<double>(out _)) ? array.Select(v => v!.GetValue<double>()).ToArray() : null;

    private static IReadOnlyList<string>? Strings(JsonNode? node) =>
        node is JsonArray array && array.All(v => v is JsonValue value && value.TryGetValue<string>(out _)) ? array.Select(v => v!.GetValue<string>()).ToArray() : null;

    // Names are a list, null, or in older datasets a dict such as {"motors": [...]}.
    private static IReadOnlyList<string>? Names(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(n => n?.ToString() ?? "").ToArray(),
        JsonObject o => o.Select(kv => kv.Value).OfType<JsonArray>().FirstOrDefault()?.Select(n => n?.ToString() ?? "").ToArray(),
        _ => null,
    };

    /// <summary>The codec recorded for a video feature (<c>video.codec</c>), or null.</summary>
    public static string? VideoCodec(JsonObject info, string key) =>
        info["features"]?[key]?["info"]?["video.codec"]?.GetValue<string>();
}
