using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Learning.Normalization;
using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Checkpoints;

/// <summary>A LeRobot policy's normalisation in RobotHost terms: state/action normalisers and per-camera image statistics.</summary>
/// <param name="Vectors">Normalisation of <c>observation.state</c> (when present) and <c>action</c>.</param>
/// <param name="ImageMean">Per camera key: the mean LeRobot subtracts from [0, 1] pixels.</param>
/// <param name="ImageStd">Per camera key: the divisor (std + eps, or the min-max half range).</param>
public sealed record LeRobotNormalization(
    Dictionary<string, FeatureNormalization> Vectors,
    Dictionary<string, double[]> ImageMean,
    Dictionary<string, double[]> ImageStd);

/// <summary>
/// What every LeRobot policy importer shares: preparing the output folder, reading config.json fields with LeRobot's
/// defaults, turning the checkpoint's statistics and normalisation mapping into RobotHost normalisers and image
/// statistics, and recording where the import came from (<c>lerobot_import.json</c>).
/// </summary>
public static class LeRobotImport
{
    /// <summary>Provenance file written next to the imported checkpoint.</summary>
    public const string ProvenanceFile = "lerobot_import.json";

    public static void PrepareOutput(string output, bool overwrite)
    {
        if (File.Exists(output)) throw new RobotHostException($"--out '{output}' is a file; give a folder for the checkpoint");
        if (!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any()) return;
        if (!overwrite) throw new RobotHostException($"--out '{output}' already exists and is not empty; choose a new folder or pass --force to replace the checkpoint in it");
        foreach (var file in new[] { PolicyCheckpoint.ModelFile, PolicyCheckpoint.ConfigFile, FeatureNormalizer.FileName, ProvenanceFile })
            File.Delete(Path.Combine(output, file));
    }

    /// <summary>
    /// State, action and camera normalisation from <paramref name="stats"/>: the processor's norm_map, else config.json's
    /// normalization_mapping, else <paramref name="defaults"/> (the policy's LeRobot defaults). Features without
    /// statistics pass unnormalised, as LeRobot passes them (a note says so).
    /// </summary>
    public static LeRobotNormalization TranslateNormalization(LeRobotPretrained source, LeRobotStats stats, FeatureSpec? state, FeatureSpec action,
        IReadOnlyList<FeatureSpec> images, IReadOnlyDictionary<string, string> defaults, List<string> notes)
    {
        var mapping = stats.NormMap ?? source.NormalizationMapping ?? defaults;
        string Mode(string type) => mapping.TryGetValue(type, out var m) ? m : "IDENTITY";
        if (Math.Abs(stats.Eps - FeatureNormalization.Epsilon) > 1e-12)
            notes.Add($"the normaliser's eps is {stats.Eps}; RobotHost uses {FeatureNormalization.Epsilon} for state and action (differences of order eps/std)");
        IReadOnlyDictionary<string, float[]>? StatsOf(string key, string mode)
        {
            if (stats.Stats.TryGetValue(key, out var s)) return s;
            if (mode != "IDENTITY") notes.Add($"the checkpoint has no statistics for '{key}', so it passes unnormalised, as LeRobot passes it");
            return null;
        }
        var vectors = new Dictionary<string, FeatureNormalization>();
        var stateMode = Mode("STATE");
        if (state is not null)
        {
            var s = StatsOf(state.Key, stateMode);
            vectors[state.Key] = LeRobotPretrained.ToNormalization(state.Key, s is null ? "IDENTITY" : stateMode, s, state.ElementCount);
        }
        var actionMode = Mode("ACTION");
        var a = StatsOf(action.Key, actionMode);
        vectors[action.Key] = LeRobotPretrained.ToNormalization(action.Key, a is null ? "IDENTITY" : actionMode, a, action.ElementCount);
        foreach (var (key, n) in vectors)
            if (mapping.TryGetValue(key == action.Key ? "ACTION" : "STATE", out var m) && m is "QUANTILES" or "QUANTILE10")
                notes.Add($"'{key}' uses {m}: imported as min-max over the {(m == "QUANTILES" ? "q01/q99" : "q10/q90")} statistics (the same arithmetic)");

        var imageMean = new Dictionary<string, double[]>();
        var imageStd = new Dictionary<string, double[]>();
        var visualMode = Mode("VISUAL");
        foreach (var image in images)
        {
            var s = StatsOf(image.Key, visualMode);
            (imageMean[image.Key], imageStd[image.Key]) = ImageAffine(image.Key, s is null ? "IDENTITY" : visualMode, s, (float)stats.Eps);
        }
        if (images.Any(i => !IsImageNet(imageMean[i.Key], imageStd[i.Key])) && visualMode == "MEAN_STD")
            notes.Add("camera statistics differ from ImageNet's (trained without dataset.use_imagenet_stats); the checkpoint's own statistics are used");
        return new LeRobotNormalization(vectors, imageMean, imageStd);
    }

    /// <summary>
    /// Copies a LeRobot state dict into <paramref name="model"/> through <paramref name="map"/> (LeRobot name → RobotHost
    /// names: none to skip a tensor RobotHost recomputes, several for a module LeRobot shares between cameras).
    /// Legacy normalisation buffers are skipped and <c>num_batches_tracked</c> is 0 when LeRobot has none. Every tensor
    /// must find its place and every RobotHost tensor must be filled, or the import stops naming them.
    /// </summary>
    /// <returns>The number of scalars in the model's state dict.</returns>
    public static long CopyWeights(nn.Module model, IReadOnlyDictionary<string, Tensor> weights, LeRobotPretrained source, string policyName,
        Func<string, IEnumerable<string>> map, string shapeSummary)
    {
        var target = model.state_dict();
        var mapped = new Dictionary<string, Tensor>();
        var unexpected = new List<string>();
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in weights)
        {
            if (LeRobotPretrained.IsLegacyNormalizationBuffer(name)) continue;
            foreach (var ours in map(name))
            {
                if (!target.ContainsKey(ours))
                {
                    unexpected.Add(name);
                    continue;
                }
                mapped[ours] = tensor.is_floating_point() ? tensor.to(ScalarType.Float32) : tensor;
            }
        }
        var missing = new List<string>();
        foreach (var (name, t) in target)
        {
            if (mapped.ContainsKey(name)) continue;
            if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) mapped[name] = zeros_like(t); // FrozenBatchNorm2d has none
            else missing.Add(name);
        }
        var weightsFile = source.WeightsPath;
        if (unexpected.Count > 0)
            throw new RobotHostException($"{weightsFile} has weights RobotHost's {policyName} has no place for: {string.Join(", ", unexpected.Take(6))}{(unexpected.Count > 6 ? $" and {unexpected.Count - 6} more" : "")}; the checkpoint does not match its config.json or uses a part RobotHost does not support");
        if (missing.Count > 0)
            throw new RobotHostException($"{weightsFile} lacks weights that config.json implies (RobotHost names): {string.Join(", ", missing.Take(6))}{(missing.Count > 6 ? $" and {missing.Count - 6} more" : "")}; the checkpoint does not match its config.json ({shapeSummary})");
        ModuleWeights.Copy(model, mapped, strict: true, origin: weightsFile);
        return target.Values.Sum(t => t.numel());
    }

    /// <summary>Writes <see cref="ProvenanceFile"/>: source folder, LeRobot type, statistics file and the import's notes.</summary>
    public static void WriteProvenance(string output, LeRobotPretrained source, LeRobotStats stats, IReadOnlyList<string> notes)
    {
        var provenance = new JsonObject
        {
            ["source"] = source.Directory,
            ["lerobot_type"] = source.Type,
            ["statistics"] = stats.Origin,
            ["imported_at"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            ["notes"] = new JsonArray(notes.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            };
            File.WriteAllText(Path.Combine(output, ProvenanceFile), provenance.ToJsonString(LearningJson.Options));
    }

    /// <summary>The per-channel (mean, divisor) that reproduces LeRobot's image normalisation for a mode.</summary>
    public static (double[] Mean, double[] Std) ImageAffine(string key, string mode, IReadOnlyDictionary<string, float[]>? stats, float eps)
    {
        var n = LeRobotPretrained.ToNormalization(key, mode, stats, 3);
        var mean = new double[3];
        var std = new double[3];
        for (var ch = 0; ch < 3; ch++)
        {
            switch (n.Mode)
            {
                case NormalizationMode.MeanStd:
                    mean[ch] = n.Mean[ch];
                    std[ch] = n.Std[ch] + eps; // float32, as LeRobot's (std + eps)
                    break;
                case NormalizationMode.MinMax:
                    // 2 (x − min) / (max − min) − 1 = (x − (min + max) / 2) / ((max − min) / 2)
                    var range = n.Max[ch] - n.Min[ch];
                    if (range == 0) range = eps;
                    mean[ch] = (n.Min[ch] + (double)n.Max[ch]) / 2;
                    std[ch] = range / 2.0;
                    break;
                default:
                    mean[ch] = 0;
                    std[ch] = 1;
                    break;
            }
        }
        return (mean, std);
    }

    private static bool IsImageNet(double[] mean, double[] std) =>
        Enumerable.Range(0, 3).All(i => Math.Abs(mean[i] - ImageTensorsMean[i]) < 1e-6 && Math.Abs(std[i] - ImageTensorsStd[i]) < 1e-6);

    private static readonly double[] ImageTensorsMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageTensorsStd = [0.229, 0.224, 0.225];

    public static int Int(JsonObject c, string name, int fallback) => c[name] is JsonValue v ? Convert(v, name, n => n.GetValue<int>(), fallback) : fallback;
    public static double Double(JsonObject c, string name, double fallback) => c[name] is JsonValue v ? Convert(v, name, n => n.GetValue<double>(), fallback) : fallback;
    public static bool Bool(JsonObject c, string name, bool fallback) => c[name] is JsonValue v ? Convert(v, name, n => n.GetValue<bool>(), fallback) : fallback;
    public static string Str(JsonObject c, string name, string fallback) => c[name] is JsonValue v ? Convert(v, name, n => n.GetValue<string>(), fallback) : fallback;

    public static bool Truthy(JsonNode? node) => node is JsonValue v && ((v.TryGetValue<bool>(out var b) && b) || (v.TryGetValue<double>(out var d) && d != 0));

    private static T Convert<T>(JsonValue value, string name, Func<JsonValue, T> read, T fallback)
    {
        if (value.GetValueKind() == JsonValueKind.Null) return fallback;
        try { return read(value); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new RobotHostException($"config.json field '{name}' = {value.ToJsonString()} is not a {typeof(T).Name.ToLowerInvariant()}", e);
        }
    }
}
