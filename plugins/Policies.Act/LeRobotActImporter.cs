using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Learning;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Modules;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;
using static RobotHost.Learning.Checkpoints.LeRobotImport;

namespace RobotHost.Plugins.Policies.Act;

/// <summary>
/// Turns a LeRobot ACT <c>pretrained_model</c> folder (modeling_act.py's <c>ACTPolicy</c>) into a RobotHost ACT
/// checkpoint with the same config, weights and normalisation, so the ordinary loaders (eval, rollout,
/// <see cref="PolicyRuntime"/>) give the same actions for the same observations.
/// <list type="bullet">
/// <item>Names: <c>model.</c> is dropped; <c>encoder.layers.N</c>/<c>decoder.layers.N</c>/<c>vae_encoder.layers.N</c> become
/// <c>encoder.N</c>…; <c>encoder.norm</c>, <c>decoder.norm</c>, <c>vae_encoder.norm</c> become <c>encoder_norm</c>,
/// <c>decoder_norm</c>, <c>vae_encoder_norm</c>; the rest (backbone, projections, embeddings, attention's
/// <c>in_proj_weight</c>/<c>in_proj_bias</c>/<c>out_proj</c>) keep their names.</item>
/// <item>The backbone's FrozenBatchNorm2d buffers load into BatchNorm2d (same eval-mode arithmetic); its
/// <c>num_batches_tracked</c> is set to 0. <c>vae_encoder_pos_enc</c> is recomputed (a fixed table).</item>
/// <item>Images: LeRobot normalises camera images with the checkpoint's VISUAL statistics (ImageNet's when trained
/// with <c>dataset.use_imagenet_stats</c>, the default); those exact statistics go to <c>image_mean</c>/<c>image_std</c>.</item>
/// </list>
/// </summary>
public static class LeRobotActImporter
{
    /// <summary>LeRobot's policy type.</summary>
    public const string LeRobotType = "act";

    /// <summary>Imports <paramref name="request"/>.Source into <paramref name="request"/>.Output.</summary>
    /// <exception cref="RobotHostException">A missing or invalid folder, or an unsupported setting (the message names the field and the fix).</exception>
    public static LeRobotImportReport Import(LeRobotImportRequest request)
    {
        TorchRuntime.Initialize();
        var source = LeRobotPretrained.Open(request.Source);
        if (source.Type != LeRobotType)
            throw new RobotHostException($"'{source.Directory}' holds a LeRobot '{source.Type}' policy, not 'act'; this importer reads ACT checkpoints");
        var output = Path.GetFullPath(request.Output);
        LeRobotImport.PrepareOutput(output, request.Overwrite);

        CheckSupported(source);
        var notes = new List<string>();
        var (fps, names) = request.DatasetRoot is null ? (null, new Dictionary<string, IReadOnlyList<string>>()) : LeRobotPretrained.ReadDatasetInfo(request.DatasetRoot);
        var weights = source.LoadWeights();
        try
        {
            var stats = source.ReadStats(weights);
            var (config, features, normalizer) = Translate(source, stats, request.Fps ?? fps, names, notes);
            var problems = config.Validate().ToList();
            if (problems.Count > 0) throw new RobotHostException($"{Path.Combine(source.Directory, "config.json")} maps to an invalid RobotHost ACT config: {string.Join("; ", problems)}");

            using var model = new ActModel(config, features);
            var parameters = CopyWeights(model, weights, source, config, features);
            Directory.CreateDirectory(output);
            ModuleWeights.Save(model, Path.Combine(output, PolicyCheckpoint.ModelFile), new Dictionary<string, string>
            {
                ["format"] = "pt",
                ["imported_from"] = "lerobot/act",
            });
            PolicyCheckpoint.WriteConfig(output, ActPolicyFactory.Key, config, features);
            normalizer.Save(output);
            LeRobotImport.WriteProvenance(output, source, stats, notes);
            return new LeRobotImportReport(output, ActPolicyFactory.Key, parameters, notes);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Refuses settings RobotHost's ACT cannot reproduce, before any weights are read.</summary>
    private static void CheckSupported(LeRobotPretrained source)
    {
        var c = source.Config;
        var file = Path.Combine(source.Directory, "config.json");
        RobotHostException Unsupported(string field, string what, string fix) => new($"{file}: {field} = {what} is not supported by RobotHost's ACT; {fix}");
        if (Int(c, "n_obs_steps", 1) != 1) throw Unsupported("n_obs_steps", Int(c, "n_obs_steps", 1).ToString(CultureInfo.InvariantCulture), "LeRobot's ACT takes one observation step too — set n_obs_steps=1");
        var backbone = Str(c, "vision_backbone", "resnet18");
        if (backbone != "resnet18") throw Unsupported("vision_backbone", $"'{backbone}'", "RobotHost's ACT has a ResNet18 backbone only; retrain with --policy.vision_backbone=resnet18");
        if (Truthy(c["replace_final_stride_with_dilation"])) throw Unsupported("replace_final_stride_with_dilation", "true", "RobotHost's ResNet18 keeps the final stride; retrain with --policy.replace_final_stride_with_dilation=false");
        var activation = Str(c, "feedforward_activation", "relu");
        if (activation is not ("relu" or "gelu")) throw Unsupported("feedforward_activation", $"'{activation}'", "use relu (the default) or gelu");
        if (Bool(c, "use_peft", false)) throw Unsupported("use_peft", "true", "merge the PEFT adapters into the weights and save the merged policy first");
        foreach (var f in source.InputFeatures.Where(f => f.Type == "ENV"))
            throw Unsupported($"input_features['{f.Key}'] (type ENV)", "an environment-state input", "RobotHost's ACT has no environment-state token (encoder_env_state_input_proj); retrain with the robot state and cameras only");
        if (!source.InputFeatures.Any(f => f.Type == "VISUAL"))
            throw new RobotHostException($"{file} has no VISUAL input; LeRobot's ACT needs at least one camera (or an environment state, which RobotHost does not support)");
    }

    /// <summary>LeRobot config.json + statistics → RobotHost config, features and normaliser.</summary>
    private static (ActConfig Config, PolicyFeatures Features, FeatureNormalizer Normalizer) Translate(
        LeRobotPretrained source, LeRobotStats stats, int? fps, IReadOnlyDictionary<string, IReadOnlyList<string>> names, List<string> notes)
    {
        var c = source.Config;
        var file = Path.Combine(source.Directory, "config.json");
        RobotHostException Unsupported(string field, string what, string fix) => new($"{file}: {field} = {what} is not supported by RobotHost's ACT; {fix}");
        var activation = Str(c, "feedforward_activation", "relu");

        FeatureSpec? state = null;
        var images = new List<FeatureSpec>();
        foreach (var f in source.InputFeatures)
        {
            switch (f.Type)
            {
                case "STATE" when f.Key == FeatureKeys.State:
                    if (f.Shape.Count != 1) throw Unsupported($"input_features['{f.Key}'].shape", $"[{string.Join(", ", f.Shape)}]", "the state must be a vector");
                    state = new FeatureSpec(f.Key, "float32", [f.Shape[0]], Names(f.Key, f.Shape[0]));
                    break;
                case "STATE":
                    notes.Add($"input '{f.Key}' is ignored, as LeRobot's ACT ignores every STATE input other than {FeatureKeys.State}");
                    break;
                case "VISUAL":
                    if (f.Shape.Count != 3 || f.Shape[0] != 3) throw Unsupported($"input_features['{f.Key}'].shape", $"[{string.Join(", ", f.Shape)}]", "cameras must be RGB [3, H, W]");
                    images.Add(new FeatureSpec(f.Key, "video", [f.Shape[1], f.Shape[2], 3], ["height", "width", "channels"]));
                    break;
                case "ENV":
                    throw Unsupported($"input_features['{f.Key}'] (type ENV)", "an environment-state input", "RobotHost's ACT has no environment-state token (encoder_env_state_input_proj); retrain with the robot state and cameras only");
                default:
                    notes.Add($"input '{f.Key}' (type {f.Type}) is ignored, as LeRobot's ACT ignores it");
                    break;
            }
        }
        var actionSpec = source.OutputFeatures.FirstOrDefault(f => f.Key == FeatureKeys.Action && f.Type == "ACTION")
            ?? throw new RobotHostException($"{file} has no output feature 'action' of type ACTION; the policy has nothing to act with");
        if (actionSpec.Shape.Count != 1) throw Unsupported("output_features['action'].shape", $"[{string.Join(", ", actionSpec.Shape)}]", "the action must be a vector");
        var action = new FeatureSpec(FeatureKeys.Action, "float32", [actionSpec.Shape[0]], Names(FeatureKeys.Action, actionSpec.Shape[0]));
        if (images.Count == 0) throw new RobotHostException($"{file} has no VISUAL input; LeRobot's ACT needs at least one camera (or an environment state, which RobotHost does not support)");
        if (state is null) notes.Add($"the policy has no {FeatureKeys.State} input (LeRobot's ACT inference expects one; RobotHost runs it from the cameras alone)");

        // Normalisation: the processor's norm_map, else config.json's normalization_mapping, else ACT's defaults.
        var norm = LeRobotImport.TranslateNormalization(source, stats, state, action, images,
            new Dictionary<string, string> { ["VISUAL"] = "MEAN_STD", ["STATE"] = "MEAN_STD", ["ACTION"] = "MEAN_STD" }, notes);
        var vectors = norm.Vectors;

        var config = new ActConfig
        {
            Device = "cpu",
            ChunkSize = Int(c, "chunk_size", 100),
            NActionSteps = Int(c, "n_action_steps", 100),
            TemporalEnsembleCoeff = c["temporal_ensemble_coeff"] is JsonValue t && t.TryGetValue<double>(out var coeff) ? coeff : (double?)null,
            DModel = Int(c, "dim_model", 512),
            NHeads = Int(c, "n_heads", 8),
            DimFeedforward = Int(c, "dim_feedforward", 3200),
            NEncoderLayers = Int(c, "n_encoder_layers", 4),
            NDecoderLayers = Int(c, "n_decoder_layers", 1),
            NVaeEncoderLayers = Int(c, "n_vae_encoder_layers", 4),
            UseVae = Bool(c, "use_vae", true),
            LatentDim = Int(c, "latent_dim", 32),
            KlWeight = Double(c, "kl_weight", 10.0),
            Dropout = Double(c, "dropout", 0.1),
            PreNorm = Bool(c, "pre_norm", false),
            VaeEncoderFinalNorm = Bool(c, "pre_norm", false) && Bool(c, "use_vae", true),
            FeedforwardActivation = activation,
            VisionBackboneWidth = 64,
            VisionBackboneStages = 4,
            BackboneNorm = ResNetNorm.BatchNorm,
            PretrainedBackboneWeights = null,
            ImageMean = norm.ImageMean,
            ImageStd = norm.ImageStd,
            Lr = Double(c, "optimizer_lr", 1e-5),
            LrBackbone = Double(c, "optimizer_lr_backbone", 1e-5),
            WeightDecay = Double(c, "optimizer_weight_decay", 1e-4),
            StateNormalization = vectors.TryGetValue(FeatureKeys.State, out var sn) ? sn.Mode : NormalizationMode.MeanStd,
            ActionNormalization = vectors[FeatureKeys.Action].Mode,
            Cameras = images.Select(PolicyFeatures.CameraName).ToList(),
            UseState = state is not null,
        };
        if (fps is null) notes.Add("no --fps or --dataset: the data rate is recorded as 30 fps (it only matters for fine-tuning and plots)");
        var features = new PolicyFeatures(state, images, action, fps ?? 30);
        if (state is not null && state.Names is null) notes.Add("no joint names (pass --dataset DIR to take them from meta/info.json): the policy reads the robot's values in the robot's order");
        return (config, features, new FeatureNormalizer(vectors));

        IReadOnlyList<string>? Names(string key, int count)
        {
            if (!names.TryGetValue(key, out var list)) return null;
            if (list.Count == count) return list;
            notes.Add($"the dataset names {list.Count} elements of '{key}' but the policy has {count}; names left out");
            return null;
        }
    }

    /// <summary>Copies LeRobot's state dict into <paramref name="model"/>; returns the number of scalars copied.</summary>
    private static long CopyWeights(ActModel model, IReadOnlyDictionary<string, Tensor> weights, LeRobotPretrained source, ActConfig config, PolicyFeatures features) =>
        LeRobotImport.CopyWeights(model, weights, source, "ACT", name =>
        {
            if (!name.StartsWith("model.", StringComparison.Ordinal)) return [name];
            var ours = MapName(name["model.".Length..]);
            return ours == "vae_encoder_pos_enc" ? [] : [ours]; // a fixed sinusoid table; RobotHost computes the same one
        }, $"d_model {config.DModel}, {config.NEncoderLayers} encoder / {config.NDecoderLayers} decoder / {(config.UseVae ? config.NVaeEncoderLayers : 0)} VAE layers, {features.Images.Count} camera(s)");

    /// <summary>
    /// LeRobot ACT names (without <c>model.</c>) ↔ RobotHost ActModel names: the transformer stacks' <c>layers.N</c>
    /// lists are RobotHost's module lists, their final norms are <c>&lt;stack&gt;_norm</c>; everything else keeps its name.
    /// Import reads it one way, export (<see cref="LeRobotActExporter"/>) the other.
    /// </summary>
    public static LeRobotNameMap Names { get; } = new(
        ("^vae_encoder.layers.{i}.", "^vae_encoder.{i}."),
        ("^encoder.layers.{i}.", "^encoder.{i}."),
        ("^decoder.layers.{i}.", "^decoder.{i}."),
        ("^vae_encoder.norm.", "^vae_encoder_norm."),
        ("^encoder.norm.", "^encoder_norm."),
        ("^decoder.norm.", "^decoder_norm."));

    /// <summary>LeRobot ACT name (without <c>model.</c>) → RobotHost ActModel name.</summary>
    public static string MapName(string name) => Names.ToRobotHost(name);
}
