using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Learning.Normalization;
using RobotHost.Sdk;
using static TorchSharp.torch;

namespace RobotHost.Learning.Checkpoints;

/// <summary>One entry of a LeRobot config's <c>input_features</c>/<c>output_features</c>: key, FeatureType and shape.</summary>
public sealed record LeRobotFeature(string Key, string Type, IReadOnlyList<int> Shape);

/// <summary>
/// Normalisation statistics of a LeRobot policy: per feature key, per statistic (<c>mean</c>, <c>std</c>, <c>min</c>,
/// <c>max</c>, <c>q01</c>…), flattened; the processor's <c>norm_map</c> (FeatureType → mode) when the layout has one.
/// </summary>
public sealed record LeRobotStats(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, float[]>> Stats,
    IReadOnlyDictionary<string, string>? NormMap,
    double Eps,
    string Origin);

/// <summary>
/// Reads a LeRobot <c>pretrained_model</c> folder as LeRobot's <c>save_pretrained</c> writes it: config.json (draccus:
/// <c>"type"</c>, <c>input_features</c>, <c>output_features</c>, <c>normalization_mapping</c>, the policy's fields),
/// model.safetensors (the policy's state dict, names starting <c>model.</c>), and the normalisation statistics in
/// either layout: the current one (policy_preprocessor.json naming a <c>normalizer_processor</c> step and its
/// safetensors of <c>&lt;feature&gt;.&lt;stat&gt;</c>; policy_postprocessor.json likewise), or the older one
/// (<c>normalize_inputs.buffer_observation_state.mean</c>… buffers inside model.safetensors).
/// </summary>
public sealed class LeRobotPretrained
{
    /// <summary>The prefixes of the normalisation buffers older LeRobot versions kept inside model.safetensors.</summary>
    public static readonly string[] LegacyNormalizationPrefixes = ["normalize_inputs.", "normalize_targets.", "unnormalize_outputs."];

    private LeRobotPretrained(string directory, JsonObject config, string type)
    {
        Directory = directory;
        Config = config;
        Type = type;
        InputFeatures = ReadFeatures("input_features");
        OutputFeatures = ReadFeatures("output_features");
    }

    /// <summary>The folder holding config.json and model.safetensors.</summary>
    public string Directory { get; }

    /// <summary>config.json.</summary>
    public JsonObject Config { get; }

    /// <summary>The policy type (<c>act</c>, <c>diffusion</c>…).</summary>
    public string Type { get; }

    /// <summary>model.safetensors.</summary>
    public string WeightsPath => Path.Combine(Directory, "model.safetensors");

    /// <summary>config.json's <c>input_features</c>, in file order.</summary>
    public IReadOnlyList<LeRobotFeature> InputFeatures { get; }

    /// <summary>config.json's <c>output_features</c>.</summary>
    public IReadOnlyList<LeRobotFeature> OutputFeatures { get; }

    /// <summary>config.json's <c>normalization_mapping</c> (FeatureType → mode), or null.</summary>
    public IReadOnlyDictionary<string, string>? NormalizationMapping =>
        Config["normalization_mapping"] is JsonObject map ? map.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>()) : null;

    /// <summary>
    /// Opens <paramref name="path"/>: a pretrained_model folder, or a LeRobot checkpoint folder holding one
    /// (<c>checkpoints/last</c>, whose policy is in <c>pretrained_model/</c>).
    /// </summary>
    /// <exception cref="RobotHostException">The folder is missing, lacks config.json or model.safetensors, or config.json is not LeRobot's.</exception>
    public static LeRobotPretrained Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (!System.IO.Directory.Exists(full))
            throw new RobotHostException($"LeRobot policy folder '{path}' does not exist; point --from at a pretrained_model folder (e.g. outputs/train/<run>/checkpoints/last/pretrained_model, or a Hub download of the policy)");
        if (!File.Exists(Path.Combine(full, "config.json")) && File.Exists(Path.Combine(full, "pretrained_model", "config.json")))
            full = Path.Combine(full, "pretrained_model");
        var configPath = Path.Combine(full, "config.json");
        if (!File.Exists(configPath))
            throw new RobotHostException($"'{path}' is not a LeRobot pretrained_model folder: it has no config.json (found: {Listing(full)}); point --from at the folder holding config.json and model.safetensors");
        JsonObject config;
        try { config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new RobotHostException($"{configPath} is not a JSON object ({e.Message}); re-download or re-save the policy", e);
        }
        if (config["policy_type"] is not null)
            throw new RobotHostException($"'{path}' is already a RobotHost checkpoint (config.json has \"policy_type\"); load it directly with --checkpoint");
        var type = config["type"]?.GetValue<string>()
            ?? throw new RobotHostException($"{configPath} has no \"type\" field, so it is not a LeRobot policy config (LeRobot writes \"type\": \"act\"); point --from at a pretrained_model folder");
        if (!File.Exists(Path.Combine(full, "model.safetensors")))
            throw new RobotHostException($"'{full}' has config.json but no model.safetensors (found: {Listing(full)}); the download or save is incomplete");
        try
        {
            return new LeRobotPretrained(full, config, type);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or NullReferenceException)
        {
            throw new RobotHostException($"{configPath} has malformed input_features/output_features ({e.Message}); each entry must be {{\"type\": \"STATE\", \"shape\": [6]}}", e);
        }
    }

    /// <summary>Reads model.safetensors (tensors on the CPU; the caller disposes them).</summary>
    public Dictionary<string, Tensor> LoadWeights() => Safetensors.Load(WeightsPath);

    /// <summary>
    /// The normalisation statistics: from the processor files when present, else from the legacy buffers in
    /// <paramref name="weights"/>.
    /// </summary>
    /// <exception cref="RobotHostException">Neither layout is present, or a file is damaged.</exception>
    public LeRobotStats ReadStats(IReadOnlyDictionary<string, Tensor> weights)
    {
        var fromProcessor = ReadProcessorStats();
        if (fromProcessor is not null) return fromProcessor;
        var legacy = ReadLegacyStats(weights);
        if (legacy is not null) return legacy;
        throw new RobotHostException($"'{Directory}' has no normalisation statistics: expected policy_preprocessor.json with a normalizer_processor step and its .safetensors (LeRobot ≥ 0.4), or normalize_inputs.* buffers inside model.safetensors (older LeRobot). Copy the processor files from the training output next to config.json");
    }

    /// <summary>Whether a weight name is one of the legacy normalisation buffers (not a network weight).</summary>
    public static bool IsLegacyNormalizationBuffer(string name) => LegacyNormalizationPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    private LeRobotStats? ReadProcessorStats()
    {
        var stats = new Dictionary<string, Dictionary<string, float[]>>();
        IReadOnlyDictionary<string, string>? normMap = null;
        double eps = 1e-8;
        var origins = new List<string>();
        // The preprocessor (inputs and, in current LeRobot, the action) first; the postprocessor's unnormalizer fills gaps.
        var files = new[] { "policy_preprocessor.json", "policy_postprocessor.json" }.Select(f => Path.Combine(Directory, f)).Where(File.Exists).ToList();
        foreach (var file in files)
        {
            JsonObject pipeline;
            try { pipeline = JsonNode.Parse(File.ReadAllText(file))!.AsObject(); }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new RobotHostException($"{file} is not valid JSON ({e.Message}); re-download or re-save the policy", e);
            }
            foreach (var step in pipeline["steps"]?.AsArray() ?? [])
            {
                var name = step?["registry_name"]?.GetValue<string>() ?? step?["class"]?.GetValue<string>() ?? "";
                if (!name.Contains("normalizer_processor", StringComparison.Ordinal) && !name.EndsWith("NormalizerProcessorStep", StringComparison.Ordinal)) continue;
                var stepConfig = step!["config"] as JsonObject;
                if (normMap is null && stepConfig?["norm_map"] is JsonObject map)
                    normMap = map.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
                if (stepConfig?["eps"] is JsonValue e) eps = e.GetValue<double>();
                var stateFile = step["state_file"]?.GetValue<string>();
                if (stateFile is null) continue;
                var statePath = Path.Combine(Directory, stateFile);
                if (!File.Exists(statePath))
                    throw new RobotHostException($"{Path.GetFileName(file)} names the statistics file {stateFile}, which is missing from '{Directory}'; copy it from the training output");
                var tensors = Safetensors.Load(statePath);
                try
                {
                    foreach (var (flat, t) in tensors)
                    {
                        var dot = flat.LastIndexOf('.');
                        if (dot <= 0) continue;
                        var key = flat[..dot];
                        var stat = flat[(dot + 1)..];
                        var entry = stats.TryGetValue(key, out var existing) ? existing : stats[key] = [];
                        entry.TryAdd(stat, ToFloats(t));
                    }
                }
                finally
                {
                    foreach (var t in tensors.Values) t.Dispose();
                }
                origins.Add(stateFile);
            }
        }
        if (origins.Count == 0) return null;
        return new LeRobotStats(stats.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, float[]>)kv.Value), normMap, eps, string.Join(" + ", origins));
    }

    private LeRobotStats? ReadLegacyStats(IReadOnlyDictionary<string, Tensor> weights)
    {
        var byBufferName = InputFeatures.Concat(OutputFeatures).GroupBy(f => f.Key.Replace('.', '_')).ToDictionary(g => g.Key, g => g.First().Key);
        var stats = new Dictionary<string, Dictionary<string, float[]>>();
        foreach (var (name, t) in weights)
        {
            var prefix = LegacyNormalizationPrefixes.FirstOrDefault(p => name.StartsWith(p + "buffer_", StringComparison.Ordinal));
            if (prefix is null) continue;
            var rest = name[(prefix.Length + "buffer_".Length)..];
            var dot = rest.LastIndexOf('.');
            if (dot <= 0 || !byBufferName.TryGetValue(rest[..dot], out var key)) continue;
            var entry = stats.TryGetValue(key, out var existing) ? existing : stats[key] = [];
            entry.TryAdd(rest[(dot + 1)..], ToFloats(t));
        }
        if (stats.Count == 0) return null;
        return new LeRobotStats(stats.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, float[]>)kv.Value), null, 1e-8, "normalize_* buffers in model.safetensors");
    }

    /// <summary>
    /// RobotHost normalisation of a vector feature from LeRobot statistics and mode (MEAN_STD, MIN_MAX, IDENTITY;
    /// QUANTILES and QUANTILE10 are min-max over q01/q99 and q10/q90, which is how LeRobot computes them).
    /// </summary>
    /// <exception cref="RobotHostException">Statistics the mode needs are missing or not finite, or the mode is unknown.</exception>
    public static FeatureNormalization ToNormalization(string key, string mode, IReadOnlyDictionary<string, float[]>? stats, int size)
    {
        float[] Need(string stat)
        {
            if (stats is null || !stats.TryGetValue(stat, out var v))
                throw new RobotHostException($"'{key}' is normalised with {mode} but the checkpoint has no '{stat}' statistic for it (has: {(stats is null ? "no statistics" : string.Join(", ", stats.Keys))}); re-save the policy with its dataset statistics");
            if (v.Length != size)
                throw new RobotHostException($"the '{stat}' statistic of '{key}' has {v.Length} values but the feature has {size}; the statistics belong to another dataset");
            if (v.Any(x => !float.IsFinite(x)))
                throw new RobotHostException($"the '{stat}' statistic of '{key}' is not finite (LeRobot leaves inf when a policy was saved without dataset statistics); re-save the policy with its dataset statistics");
            return v;
        }
        float[] Fill(float value) => Enumerable.Repeat(value, size).ToArray();
        return mode switch
        {
            "MEAN_STD" => new FeatureNormalization { Mode = NormalizationMode.MeanStd, Mean = Need("mean"), Std = Need("std"), Min = Fill(0), Max = Fill(1) },
            "MIN_MAX" => new FeatureNormalization { Mode = NormalizationMode.MinMax, Mean = Fill(0), Std = Fill(1), Min = Need("min"), Max = Need("max") },
            "QUANTILES" => new FeatureNormalization { Mode = NormalizationMode.MinMax, Mean = Fill(0), Std = Fill(1), Min = Need("q01"), Max = Need("q99") },
            "QUANTILE10" => new FeatureNormalization { Mode = NormalizationMode.MinMax, Mean = Fill(0), Std = Fill(1), Min = Need("q10"), Max = Need("q90") },
            "IDENTITY" => new FeatureNormalization { Mode = NormalizationMode.Identity, Mean = Fill(0), Std = Fill(1), Min = Fill(0), Max = Fill(1) },
            _ => throw new RobotHostException($"normalization mode '{mode}' of '{key}' is not supported; RobotHost imports MEAN_STD, MIN_MAX, QUANTILES, QUANTILE10 and IDENTITY"),
        };
    }

    /// <summary>fps and per-feature element names from a LeRobot dataset's meta/info.json (v2.1 or v3.0).</summary>
    /// <exception cref="RobotHostException">The folder has no readable meta/info.json.</exception>
    public static (int? Fps, IReadOnlyDictionary<string, IReadOnlyList<string>> Names) ReadDatasetInfo(string root)
    {
        var path = Path.Combine(root, "meta", "info.json");
        if (!File.Exists(path)) throw new RobotHostException($"dataset folder '{root}' has no meta/info.json; point --dataset at the LeRobot dataset the policy was trained on, or leave it out");
        JsonObject info;
        try { info = JsonNode.Parse(File.ReadAllText(path))!.AsObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new RobotHostException($"{path} is not valid JSON ({e.Message})", e);
        }
        var names = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (key, feature) in info["features"]?.AsObject() ?? [])
        {
            var node = feature?["names"];
            // v3.0: ["shoulder_pan.pos", …]; v2.x: {"motors": [...]}.
            if (node is JsonObject obj && obj.Count == 1) node = obj.First().Value;
            if (node is JsonArray list && list.All(n => n is JsonValue v && v.TryGetValue<string>(out _)))
                names[key] = list.Select(n => n!.GetValue<string>()).ToList();
        }
        int? fps = info["fps"] is JsonValue f && f.TryGetValue<double>(out var value) ? (int)Math.Round(value) : null;
        return (fps, names);
    }

    private IReadOnlyList<LeRobotFeature> ReadFeatures(string field)
    {
        if (Config[field] is not JsonObject features) return [];
        return features.Select(kv => new LeRobotFeature(
            kv.Key,
            kv.Value!["type"]!.GetValue<string>(),
            kv.Value["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToList())).ToList();
    }

    private static float[] ToFloats(Tensor t)
    {
        using var f = t.to(ScalarType.Float32).contiguous();
        return f.data<float>().ToArray();
    }

    private static string Listing(string directory)
    {
        var entries = System.IO.Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order().Take(12).ToList();
        return entries.Count == 0 ? "nothing" : string.Join(", ", entries);
    }
}
