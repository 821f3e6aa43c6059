using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Learning.Data;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Checkpoints;

/// <summary>
/// What every LeRobot policy exporter shares: opening the RobotHost checkpoint, preparing the output folder, and
/// writing LeRobot's <c>pretrained_model</c> layout as LeRobot's <c>save_pretrained</c> does: config.json (with
/// <c>"type"</c>), model.safetensors in LeRobot's state-dict names, and the processor pipelines
/// (<c>policy_preprocessor.json</c>: rename → to_batch → device → normalizer; <c>policy_postprocessor.json</c>:
/// unnormalizer → device) with their statistics files of <c>&lt;feature&gt;.&lt;stat&gt;</c> tensors.
/// </summary>
public static class LeRobotExport
{
    /// <summary>The preprocessor pipeline file.</summary>
    public const string PreprocessorFile = "policy_preprocessor.json";
    /// <summary>The postprocessor pipeline file.</summary>
    public const string PostprocessorFile = "policy_postprocessor.json";
    /// <summary>The normalizer step's statistics (step 3 of the preprocessor).</summary>
    public const string PreprocessorStateFile = "policy_preprocessor_step_3_normalizer_processor.safetensors";
    /// <summary>The unnormalizer step's statistics (step 0 of the postprocessor).</summary>
    public const string PostprocessorStateFile = "policy_postprocessor_step_0_unnormalizer_processor.safetensors";

    /// <summary>LeRobot's normaliser eps.</summary>
    private const double Eps = 1e-8;

    private static readonly string[] Files = ["config.json", "model.safetensors", PreprocessorFile, PostprocessorFile, PreprocessorStateFile, PostprocessorStateFile];

    /// <summary>
    /// Reads a RobotHost checkpoint of <paramref name="policyType"/>: config, features, normaliser and the folder.
    /// </summary>
    /// <exception cref="RobotHostException">No checkpoint there, another policy type, or an invalid config.</exception>
    public static (string Directory, TConfig Config, PolicyFeatures Features, FeatureNormalizer Normalizer) OpenCheckpoint<TConfig>(string path, string policyType)
        where TConfig : PolicyConfig
    {
        var directory = PolicyCheckpoint.Resolve(path);
        var type = PolicyCheckpoint.ReadPolicyType(directory);
        if (type != policyType)
            throw new RobotHostException($"'{directory}' holds a '{type}' checkpoint, not '{policyType}'; export it with the policy it was trained as");
        var config = (TConfig)PolicyCheckpoint.ReadConfig(directory, typeof(TConfig), out var features);
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException($"{Path.Combine(directory, PolicyCheckpoint.ConfigFile)} is invalid: {string.Join("; ", problems)}");
        return (directory, config, features, FeatureNormalizer.Load(directory));
    }

    /// <summary>Notes on RobotHost training settings that do not travel with the exported policy.</summary>
    public static List<string> TrainingOnlyNotes(PolicyConfig config, string policy)
    {
        var notes = new List<string>();
        if (config.CropPadding > 0 || config.ColorJitter > 0 || config.StateNoise > 0)
            notes.Add($"crop_padding, color_jitter and state_noise are RobotHost training augmentations; LeRobot's {policy} does not apply them when it fine-tunes");
        return notes;
    }

    /// <summary>
    /// The <c>--policy.&lt;field&gt;</c> values every policy shares (device, normalisation) and the RobotHost settings
    /// LeRobot's training has no field for, for <c>train --backend lerobot</c>.
    /// </summary>
    /// <param name="config">The RobotHost config.</param>
    /// <param name="features">Its features (the dataset's).</param>
    /// <param name="policy">LeRobot's name of the policy, for the notes.</param>
    /// <param name="lerobotGradClip">The gradient-norm clip of LeRobot's optimiser preset for the policy.</param>
    public static (JsonObject Fields, List<LeRobotUnmappedSetting> Unmapped) CommonTrainingPlan(PolicyConfig config, PolicyFeatures features, string policy, double lerobotGradClip)
    {
        var fields = new JsonObject
        {
            ["device"] = config.Device,
            ["normalization_mapping"] = new JsonObject
            {
                ["VISUAL"] = "MEAN_STD",
                ["STATE"] = ModeName(config.StateNormalization),
                ["ACTION"] = ModeName(config.ActionNormalization),
            },
            ["push_to_hub"] = false,
        };
        var unmapped = new List<LeRobotUnmappedSetting>();
        void Note(bool when, string field, string note) { if (when) unmapped.Add(new LeRobotUnmappedSetting(field, note)); }
        Note(config.ImageMean is not null, "image_mean", $"LeRobot's {policy} normalises images with the dataset's statistics");
        Note(config.Optimizer != "adamw", "optimizer", $"LeRobot's {policy} trains with AdamW");
        Note(config.GradClipNorm != lerobotGradClip, "grad_clip_norm", string.Create(CultureInfo.InvariantCulture, $"LeRobot's {policy} preset clips the gradient norm at {lerobotGradClip}"));
        Note(config.UseEma, "use_ema", $"LeRobot's {policy} keeps no weight average");
        Note(config.CropPadding > 0, "crop_padding", "LeRobot has no random-shift augmentation; --dataset.image_transforms.enable=true adds its colour/affine ones");
        Note(config.ColorJitter > 0, "color_jitter", "LeRobot's equivalent is --dataset.image_transforms.enable=true (its own jitter ranges)");
        Note(config.StateNoise > 0, "state_noise", $"LeRobot's {policy} adds no state noise");
        Note(config.Cameras is not null, "cameras", "LeRobot uses every camera of the dataset");
        Note(!config.UseState || features.State is null, "use_state", "LeRobot reads observation.state when the dataset has it");
        return (fields, unmapped);
    }

    /// <summary>The error for a checkpoint setting LeRobot's network cannot express.</summary>
    public static RobotHostException Unsupported(string checkpoint, string policy, string field, string value, string fix) =>
        new($"{Path.Combine(checkpoint, PolicyCheckpoint.ConfigFile)}: {field} = {value} cannot be expressed in LeRobot's {policy}; {fix}");

    /// <summary>Creates <paramref name="output"/>; refuses a non-empty folder unless <paramref name="overwrite"/> (then replaces the exported files).</summary>
    public static void PrepareOutput(string output, bool overwrite)
    {
        if (File.Exists(output)) throw new RobotHostException($"--out '{output}' is a file; give a folder for the pretrained_model");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            if (!overwrite) throw new RobotHostException($"--out '{output}' already exists and is not empty; choose a new folder or pass --force to replace the exported policy in it");
            foreach (var file in Files) File.Delete(Path.Combine(output, file));
        }
        Directory.CreateDirectory(output);
    }

    /// <summary>config.json's <c>input_features</c> and <c>output_features</c> (cameras as [3, H, W]).</summary>
    public static (JsonObject Inputs, JsonObject Outputs) Features(PolicyFeatures features)
    {
        var inputs = new JsonObject();
        if (features.State is not null) inputs[features.State.Key] = Feature("STATE", [features.StateDim]);
        for (var i = 0; i < features.Images.Count; i++)
        {
            var (h, w) = features.ImageSize(i);
            inputs[features.Images[i].Key] = Feature("VISUAL", [3, h, w]);
        }
        var outputs = new JsonObject { [features.Action.Key] = Feature("ACTION", [features.ActionDim]) };
        return (inputs, outputs);
    }

    /// <summary>
    /// LeRobot's <c>normalization_mapping</c>: cameras MEAN_STD (RobotHost's per-camera mean and divisor), state and
    /// action in the checkpoint's modes.
    /// </summary>
    public static JsonObject NormalizationMapping(PolicyFeatures features, FeatureNormalizer normalizer) => new()
    {
        ["VISUAL"] = "MEAN_STD",
        ["STATE"] = features.State is not null && normalizer.Features.TryGetValue(features.State.Key, out var s) ? ModeName(s.Mode) : "MEAN_STD",
        ["ACTION"] = ModeName(Vector(normalizer, features.Action.Key).Mode),
    };

    /// <summary>
    /// The normalizer's statistics, as LeRobot's NormalizerProcessorStep.state_dict flattens them: the statistics each
    /// feature's mode reads (mean/std, min/max; none for IDENTITY), camera statistics as [3, 1, 1].
    /// </summary>
    private static Dictionary<string, Tensor> Statistics(PolicyFeatures features, PolicyConfig config, FeatureNormalizer normalizer)
    {
        var stats = new Dictionary<string, Tensor>();
        void AddVector(string key)
        {
            var n = Vector(normalizer, key);
            if (n.Mode == NormalizationMode.MeanStd)
            {
                stats[$"{key}.mean"] = tensor(n.Mean);
                stats[$"{key}.std"] = tensor(n.Std);
            }
            else if (n.Mode == NormalizationMode.MinMax)
            {
                stats[$"{key}.min"] = tensor(n.Min);
                stats[$"{key}.max"] = tensor(n.Max);
            }
        }
        if (features.State is not null) AddVector(features.State.Key);
        foreach (var image in features.Images)
        {
            var mean = config.ImageMean?.GetValueOrDefault(image.Key)?.Select(v => (float)v).ToArray() ?? ImageTensors.ImageNetMean;
            var divisor = config.ImageStd?.GetValueOrDefault(image.Key)?.Select(v => (float)v).ToArray() ?? ImageTensors.ImageNetStd;
            var std = divisor.Select(StdFor).ToArray();
            stats[$"{image.Key}.mean"] = tensor(mean, [3, 1, 1]);
            stats[$"{image.Key}.std"] = tensor(std, [3, 1, 1]);
        }
        AddVector(features.Action.Key);
        return stats;
    }

    /// <summary>
    /// The fields every LeRobot policy config has (PreTrainedConfig), with <paramref name="type"/> first as draccus
    /// writes it; the policy adds its own after these.
    /// </summary>
    public static JsonObject BaseConfig(string type, int nObsSteps, JsonObject inputs, JsonObject outputs, JsonObject normalizationMapping) => new()
    {
        ["type"] = type,
        ["n_obs_steps"] = nObsSteps,
        ["normalization_mapping"] = normalizationMapping.DeepClone(),
        ["input_features"] = inputs.DeepClone(),
        ["output_features"] = outputs.DeepClone(),
        ["device"] = "cpu",
        ["use_amp"] = false,
        ["use_peft"] = false,
        ["push_to_hub"] = false,
        ["repo_id"] = null,
        ["private"] = null,
        ["tags"] = null,
        ["license"] = null,
        ["pretrained_path"] = null,
    };

    /// <summary>
    /// Writes model.safetensors: every tensor of <paramref name="model"/>'s state dict under the name
    /// <paramref name="toLeRobot"/> gives (null leaves it out: a buffer LeRobot's module does not have), plus
    /// <paramref name="computedBuffers"/> — fixed tables RobotHost recomputes but LeRobot keeps in its state dict (RobotHost names).
    /// </summary>
    /// <returns>The number of tensors written.</returns>
    public static int WriteWeights(string output, nn.Module model, Func<string, string?> toLeRobot, IEnumerable<(string Name, Tensor Value)> computedBuffers)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        void Add(string name, Tensor t)
        {
            var lerobot = toLeRobot(name);
            if (lerobot is null) return;
            if (!tensors.TryAdd(lerobot, t.detach().cpu().contiguous()))
                throw new RobotHostException($"two weights map to LeRobot's '{lerobot}' (one is '{name}'); the LeRobot name table is ambiguous");
        }
        foreach (var (name, t) in model.state_dict()) Add(name, t);
        foreach (var (name, value) in computedBuffers) Add(name, value);
        Safetensors.Save(Path.Combine(output, "model.safetensors"), tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal), new Dictionary<string, string> { ["format"] = "pt" });
        return tensors.Count;
    }

    /// <summary>Writes config.json.</summary>
    public static void WriteConfig(string output, JsonObject config) =>
        File.WriteAllText(Path.Combine(output, "config.json"), config.ToJsonString(Indented) + "\n");

    /// <summary>
    /// Writes the processor pipelines as LeRobot's make_default_pre_post_processors builds and saves them; both
    /// normaliser steps hold the same statistics, as LeRobot gives both the dataset statistics.
    /// </summary>
    public static void WriteProcessors(string output, JsonObject inputs, JsonObject outputs, JsonObject normalizationMapping,
        PolicyFeatures features, PolicyConfig config, FeatureNormalizer normalizer)
    {
        using var scope = NewDisposeScope();
        var stats = Statistics(features, config, normalizer);
        var all = new JsonObject();
        foreach (var (k, v) in inputs) all[k] = v!.DeepClone();
        foreach (var (k, v) in outputs) all[k] = v!.DeepClone();
        JsonObject Normalizer(string registry, JsonObject features, string stateFile) => new()
        {
            ["registry_name"] = registry,
            ["config"] = new JsonObject { ["eps"] = Eps, ["features"] = features, ["norm_map"] = normalizationMapping.DeepClone() },
            ["state_file"] = stateFile,
        };
        JsonObject Device() => new() { ["registry_name"] = "device_processor", ["config"] = new JsonObject { ["device"] = "cpu", ["float_dtype"] = null } };
        var pre = new JsonObject
        {
            ["name"] = "policy_preprocessor",
            ["steps"] = new JsonArray(
                new JsonObject { ["registry_name"] = "rename_observations_processor", ["config"] = new JsonObject { ["rename_map"] = new JsonObject() } },
                new JsonObject { ["registry_name"] = "to_batch_processor", ["config"] = new JsonObject() },
                Device(),
                Normalizer("normalizer_processor", all, PreprocessorStateFile)),
        };
        var post = new JsonObject
        {
            ["name"] = "policy_postprocessor",
            ["steps"] = new JsonArray(Normalizer("unnormalizer_processor", (JsonObject)outputs.DeepClone(), PostprocessorStateFile), Device()),
        };
        File.WriteAllText(Path.Combine(output, PreprocessorFile), pre.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(output, PostprocessorFile), post.ToJsonString(Indented));
        Safetensors.Save(Path.Combine(output, PreprocessorStateFile), stats);
        Safetensors.Save(Path.Combine(output, PostprocessorStateFile), stats);
    }

    /// <summary>
    /// The std whose float32 <c>std + eps</c> (LeRobot's divisor) is exactly RobotHost's <paramref name="divisor"/>, so an
    /// import of the export divides by the same number instead of adding eps once more.
    /// </summary>
    private static float StdFor(float divisor)
    {
        const float eps = (float)Eps;
        var std = divisor - eps;
        for (var i = 0; i < 4 && std + eps != divisor; i++) std = std + eps < divisor ? MathF.BitIncrement(std) : MathF.BitDecrement(std);
        return std;
    }

    private static string ModeName(NormalizationMode mode) => mode switch
    {
        NormalizationMode.MeanStd => "MEAN_STD",
        NormalizationMode.MinMax => "MIN_MAX",
        _ => "IDENTITY",
    };

    private static FeatureNormalization Vector(FeatureNormalizer normalizer, string key) =>
        normalizer.Features.TryGetValue(key, out var n) ? n
            : throw new RobotHostException($"the checkpoint's {FeatureNormalizer.FileName} has no statistics for '{key}'; it is incomplete — re-save it from training");

    private static JsonObject Feature(string type, int[] shape) => new() { ["type"] = type, ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()) };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
