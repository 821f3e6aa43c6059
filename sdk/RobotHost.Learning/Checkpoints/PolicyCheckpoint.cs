using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;

namespace RobotHost.Learning.Checkpoints;

/// <summary>
/// The checkpoint folder layout (one folder per saved step, as in LeRobot):
/// <code>
/// &lt;out&gt;/checkpoints/000500/model.safetensors     weights (EMA weights when EMA is on)
///                          config.json            {"policy_type": "act", …config, "input_features", "output_features", "fps"}
///                          normalization.json     per-feature statistics and modes
///                          training_state/        optimizer.safetensors, state.json (step, schedule, seed), model.safetensors (raw weights under EMA)
/// &lt;out&gt;/checkpoints/last → 000500                 symlink (or a text file naming the folder where links are unavailable)
/// </code>
/// </summary>
public static class PolicyCheckpoint
{
    /// <summary>Weights file.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>Config file.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>Resume state folder.</summary>
    public const string TrainingStateDirectory = "training_state";
    /// <summary>Folder of step folders inside a training output folder.</summary>
    public const string CheckpointsDirectory = "checkpoints";
    /// <summary>Pointer to the newest step folder.</summary>
    public const string LastName = "last";

    /// <summary>The step folder name: six digits, zero-padded.</summary>
    public static string StepName(long step) => step.ToString("000000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes config.json.</summary>
    public static void WriteConfig(string directory, string policyType, PolicyConfig config, PolicyFeatures features)
    {
        var node = JsonSerializer.SerializeToNode(config, config.GetType(), LearningJson.Options)!.AsObject();
        var root = new JsonObject { ["policy_type"] = policyType };
        foreach (var (k, v) in node.ToList())
        {
            node.Remove(k);
            root[k] = v;
        }
        var inputs = new JsonArray();
        if (features.State is not null) inputs.Add(FeatureToJson(features.State));
        foreach (var image in features.Images) inputs.Add(FeatureToJson(image));
        root["input_features"] = inputs;
        root["output_features"] = new JsonArray(FeatureToJson(features.Action));
        root["fps"] = features.Fps;
        File.WriteAllText(Path.Combine(directory, ConfigFile), root.ToJsonString(LearningJson.Options));
    }

    /// <summary>The <c>policy_type</c> of a checkpoint (its factory key).</summary>
    public static string ReadPolicyType(string directory)
    {
        var root = ReadConfigJson(directory);
        return root["policy_type"]?.GetValue<string>()
            ?? throw new RobotHostException($"{Path.Combine(directory, ConfigFile)} has no \"policy_type\"; it was not written by RobotHost — add \"policy_type\": \"<key>\"");
    }

    /// <summary>Reads the config record and features of a checkpoint.</summary>
    public static PolicyConfig ReadConfig(string directory, Type configType, out PolicyFeatures features)
    {
        var root = ReadConfigJson(directory);
        var path = Path.Combine(directory, ConfigFile);
        try
        {
            var inputs = root["input_features"]?.AsArray().Select(n => FeatureFromJson(n!)).ToList() ?? [];
            var action = root["output_features"]?.AsArray().Select(n => FeatureFromJson(n!)).FirstOrDefault()
                ?? throw new RobotHostException($"{path} has no output_features; the checkpoint is incomplete");
            var fps = root["fps"]?.GetValue<int>() ?? 30;
            features = new PolicyFeatures(inputs.FirstOrDefault(f => !f.IsVisual), inputs.Where(f => f.IsVisual).ToList(), action, fps);
            foreach (var extra in new[] { "policy_type", "input_features", "output_features", "fps" }) root.Remove(extra);
            return (PolicyConfig)root.Deserialize(configType, LearningJson.Options)!;
        }
        catch (JsonException e)
        {
            throw new RobotHostException($"{path} does not match {configType.Name} ({e.Message}); it was written for another policy or version", e);
        }
    }

    /// <summary>
    /// Finds the step folder meant by <paramref name="path"/>: a step folder itself, a training output folder
    /// (→ checkpoints/last), or a checkpoints folder (→ last).
    /// </summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(Path.Combine(full, ConfigFile))) return full;
        foreach (var candidate in new[] { Path.Combine(full, CheckpointsDirectory, LastName), Path.Combine(full, LastName) })
        {
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(candidate, ConfigFile)))
                return new DirectoryInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            if (File.Exists(candidate))
            {
                var target = Path.Combine(Path.GetDirectoryName(candidate)!, File.ReadAllText(candidate).Trim());
                if (File.Exists(Path.Combine(target, ConfigFile))) return target;
            }
        }
        throw new RobotHostException(Directory.Exists(full)
            ? $"'{path}' holds no checkpoint (no {ConfigFile}, no checkpoints/last); point at a training output folder or a checkpoints/<step> folder"
            : $"checkpoint folder '{path}' does not exist");
    }

    /// <summary>Points <c>checkpoints/last</c> at <paramref name="stepDirectory"/> (a relative symlink, else a text file).</summary>
    public static void UpdateLast(string checkpointsDirectory, string stepDirectory)
    {
        var last = Path.Combine(checkpointsDirectory, LastName);
        var name = Path.GetFileName(stepDirectory);
        var tmp = last + ".tmp";
        File.Delete(tmp); // a leftover link from an interrupted save (no error when absent)
        try
        {
            File.CreateSymbolicLink(tmp, name);
        }
        catch (IOException)
        {
            File.WriteAllText(tmp, name);
        }
        catch (UnauthorizedAccessException)
        {
            File.WriteAllText(tmp, name);
        }
        // rename(2) replaces the old link atomically, so a reader never sees no 'last'. (File.Move refuses a link to a folder.)
        if (!OperatingSystem.IsWindows() && Rename(tmp, last) == 0) return;
        if (Directory.Exists(last) || File.Exists(last)) File.Delete(last);
        File.Move(tmp, last);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);

    private static JsonObject ReadConfigJson(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new RobotHostException($"'{directory}' is not a checkpoint folder (no {ConfigFile}); point at checkpoints/<step> or a training output folder");
        try { return JsonNode.Parse(File.ReadAllText(path))!.AsObject(); }
        catch (JsonException e) { throw new RobotHostException($"{path} is not valid JSON ({e.Message}); the checkpoint is damaged", e); }
    }

    private static JsonObject FeatureToJson(FeatureSpec f) => new()
    {
        ["key"] = f.Key,
        ["dtype"] = f.DType,
        ["shape"] = new JsonArray(f.Shape.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
        ["names"] = f.Names is null ? null : new JsonArray(f.Names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
    };

    private static FeatureSpec FeatureFromJson(JsonNode n) => new(
        n["key"]!.GetValue<string>(),
        n["dtype"]!.GetValue<string>(),
        n["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToList(),
        n["names"] is JsonArray names ? names.Select(s => s!.GetValue<string>()).ToList() : null);
}
