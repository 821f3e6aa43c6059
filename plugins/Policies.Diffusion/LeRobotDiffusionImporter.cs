using System.Globalization;
using System.Text.Json.Nodes;
using RobotHost.Learning;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Modules;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;
using static RobotHost.Learning.Checkpoints.LeRobotImport;

namespace RobotHost.Plugins.Policies.Diffusion;

/// <summary>
/// Turns a LeRobot Diffusion Policy <c>pretrained_model</c> folder (modeling_diffusion.py's <c>DiffusionPolicy</c>) into
/// a RobotHost diffusion checkpoint whose network is LeRobot's: the same U-Net, ResNet18 (BatchNorm or GroupNorm),
/// spatial softmax, crop in pixels with torchvision's centre offset, image statistics, noise schedule and sampler
/// (DDPM, or DDIM keeping the network's ε after clipping as diffusers does).
/// <list type="bullet">
/// <item>Names: <c>diffusion.</c> is dropped; <c>rgb_encoder[.N].backbone.0/1/4/5/6/7</c> become
/// <c>image_encoders.N.backbone.conv1/bn1/layer1…layer4</c> (a shared encoder is copied to every camera),
/// <c>rgb_encoder.out</c> becomes <c>out_proj</c>; in the U-Net <c>diffusion_step_encoder.1/.3</c> become
/// <c>stepEncoder.expand/project</c>, <c>down_modules.i.0/1/2</c> → <c>down.i.first/second/resample</c>,
/// <c>mid_modules</c> → <c>middle</c>, <c>up_modules</c> → <c>up</c>, <c>final_conv.0/1</c> → <c>finalBlock/finalProjection</c>,
/// and inside the residual blocks <c>convK.block.0/1</c> → <c>convK.conv/norm</c>, <c>cond_encoder.1</c> →
/// <c>condProjection</c>, <c>residual_conv</c> → <c>residual</c>. <c>pool.pos_grid</c> is recomputed.</item>
/// </list>
/// </summary>
public static class LeRobotDiffusionImporter
{
    /// <summary>LeRobot's policy type.</summary>
    public const string LeRobotType = "diffusion";

    /// <summary>Imports <paramref name="request"/>.Source into <paramref name="request"/>.Output.</summary>
    /// <exception cref="RobotHostException">A missing or invalid folder, or an unsupported setting (the message names the field and the fix).</exception>
    public static LeRobotImportReport Import(LeRobotImportRequest request)
    {
        TorchRuntime.Initialize();
        var source = LeRobotPretrained.Open(request.Source);
        if (source.Type != LeRobotType)
            throw new RobotHostException($"'{source.Directory}' holds a LeRobot '{source.Type}' policy, not 'diffusion'; this importer reads Diffusion Policy checkpoints");
        var output = Path.GetFullPath(request.Output);
        PrepareOutput(output, request.Overwrite);
        CheckSupported(source);
        var notes = new List<string>();
        var (fps, names) = request.DatasetRoot is null ? (null, new Dictionary<string, IReadOnlyList<string>>()) : LeRobotPretrained.ReadDatasetInfo(request.DatasetRoot);
        var weights = source.LoadWeights();
        try
        {
            var stats = source.ReadStats(weights);
            var (config, features, normalizer) = Translate(source, stats, request.Fps ?? fps, names, notes);
            var problems = config.Validate().ToList();
            if (problems.Count > 0) throw new RobotHostException($"{Path.Combine(source.Directory, "config.json")} maps to an invalid RobotHost diffusion config: {string.Join("; ", problems)}");

            using var model = new DiffusionModel(config, features);
            var shared = !Bool(source.Config, "use_separate_rgb_encoder_per_camera", true);
            var parameters = LeRobotImport.CopyWeights(model, weights, source, "Diffusion Policy", name => MapName(name, features.Images.Count, shared),
                $"down_dims [{string.Join(", ", config.DownDims)}], {features.Images.Count} camera(s), {(shared ? "one shared" : "one")} image encoder{(shared ? "" : " per camera")}");
            Directory.CreateDirectory(output);
            ModuleWeights.Save(model, Path.Combine(output, PolicyCheckpoint.ModelFile), new Dictionary<string, string>
            {
                ["format"] = "pt",
                ["imported_from"] = "lerobot/diffusion",
            });
            PolicyCheckpoint.WriteConfig(output, DiffusionPolicyFactory.Key, config, features);
            normalizer.Save(output);
            WriteProvenance(output, source, stats, notes);
            return new LeRobotImportReport(output, DiffusionPolicyFactory.Key, parameters, notes);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Refuses settings RobotHost's diffusion network cannot reproduce, before any weights are read.</summary>
    private static void CheckSupported(LeRobotPretrained source)
    {
        var c = source.Config;
        var file = Path.Combine(source.Directory, "config.json");
        RobotHostException Unsupported(string field, string what, string fix) => new($"{file}: {field} = {what} is not supported by RobotHost's Diffusion Policy; {fix}");
        var backbone = Str(c, "vision_backbone", "resnet18");
        if (backbone != "resnet18") throw Unsupported("vision_backbone", $"'{backbone}'", "RobotHost has a ResNet18 backbone only; retrain with --policy.vision_backbone=resnet18");
        if (c["resize_shape"] is JsonArray) throw Unsupported("resize_shape", c["resize_shape"]!.ToJsonString(), "RobotHost does not resize inside the policy; retrain with --policy.resize_shape=null (and crop_shape for the crop)");
        var prediction = Str(c, "prediction_type", "epsilon");
        if (prediction != "epsilon") throw Unsupported("prediction_type", $"'{prediction}'", "RobotHost's diffusion network predicts the noise; retrain with --policy.prediction_type=epsilon");
        var scheduler = Str(c, "noise_scheduler_type", "DDPM");
        if (scheduler is not ("DDPM" or "DDIM")) throw Unsupported("noise_scheduler_type", $"'{scheduler}'", "use DDPM or DDIM");
        var betas = Str(c, "beta_schedule", "squaredcos_cap_v2");
        if (betas is not ("squaredcos_cap_v2" or "linear")) throw Unsupported("beta_schedule", $"'{betas}'", "RobotHost has the squaredcos_cap_v2 and linear schedules; retrain with one of them");
        var groups = Int(c, "n_groups", 8);
        if (groups != 8) throw Unsupported("n_groups", groups.ToString(CultureInfo.InvariantCulture), "LeRobot's final U-Net block keeps 8 groups whatever n_groups says, and RobotHost's follows n_groups; retrain with n_groups=8");
        if (Bool(c, "use_peft", false)) throw Unsupported("use_peft", "true", "merge the PEFT adapters into the weights and save the merged policy first");
        foreach (var f in source.InputFeatures.Where(f => f.Type == "ENV"))
            throw Unsupported($"input_features['{f.Key}'] (type ENV)", "an environment-state input", "RobotHost's diffusion policy conditions on the robot state and cameras only; retrain without it");
        if (!source.InputFeatures.Any(f => f.Type == "STATE" && f.Key == FeatureKeys.State))
            throw new RobotHostException($"{file} has no {FeatureKeys.State} input; LeRobot's Diffusion Policy needs the robot state (its global condition starts with it)");
        if (!source.InputFeatures.Any(f => f.Type == "VISUAL"))
            throw new RobotHostException($"{file} has no VISUAL input; RobotHost imports Diffusion Policies that see at least one camera");
    }

    /// <summary>LeRobot config.json + statistics → RobotHost config, features and normaliser.</summary>
    private static (DiffusionConfig Config, PolicyFeatures Features, Learning.Normalization.FeatureNormalizer Normalizer) Translate(
        LeRobotPretrained source, LeRobotStats stats, int? fps, IReadOnlyDictionary<string, IReadOnlyList<string>> names, List<string> notes)
    {
        var c = source.Config;
        var file = Path.Combine(source.Directory, "config.json");
        RobotHostException Unsupported(string field, string what, string fix) => new($"{file}: {field} = {what} is not supported by RobotHost's Diffusion Policy; {fix}");
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
                case "VISUAL":
                    if (f.Shape.Count != 3 || f.Shape[0] != 3) throw Unsupported($"input_features['{f.Key}'].shape", $"[{string.Join(", ", f.Shape)}]", "cameras must be RGB [3, H, W]");
                    images.Add(new FeatureSpec(f.Key, "video", [f.Shape[1], f.Shape[2], 3], ["height", "width", "channels"]));
                    break;
                default:
                    notes.Add($"input '{f.Key}' ({f.Type}) is ignored, as LeRobot's Diffusion Policy ignores it");
                    break;
            }
        }
        var actionSpec = source.OutputFeatures.FirstOrDefault(f => f.Key == FeatureKeys.Action)
            ?? throw new RobotHostException($"{file} has no output feature '{FeatureKeys.Action}'; a LeRobot policy config lists it under output_features");
        if (actionSpec.Shape.Count != 1) throw Unsupported("output_features['action'].shape", $"[{string.Join(", ", actionSpec.Shape)}]", "the action must be a vector");
        var action = new FeatureSpec(FeatureKeys.Action, "float32", [actionSpec.Shape[0]], Names(FeatureKeys.Action, actionSpec.Shape[0]));

        var norm = TranslateNormalization(source, stats, state, action, images,
            new Dictionary<string, string> { ["VISUAL"] = "MEAN_STD", ["STATE"] = "MIN_MAX", ["ACTION"] = "MIN_MAX" }, notes);

        IReadOnlyList<int>? crop = null;
        if (c["crop_shape"] is JsonArray cropNode)
        {
            crop = cropNode.Select(n => n!.GetValue<int>()).ToList();
            foreach (var image in images)
                if (crop.Count != 2 || crop[0] > image.Shape[0] || crop[1] > image.Shape[1])
                    throw Unsupported("crop_shape", cropNode.ToJsonString(), $"it must fit inside the camera image {image.Key} ({image.Shape[0]}×{image.Shape[1]}), as LeRobot requires too");
        }
        if (images.Select(i => (i.Shape[0], i.Shape[1])).Distinct().Count() > 1)
            throw new RobotHostException($"{file}: the cameras have different sizes; LeRobot's Diffusion Policy needs them all the same size");
        if (!Bool(c, "use_separate_rgb_encoder_per_camera", true) && images.Count > 1)
            notes.Add("one image encoder is shared by all cameras in LeRobot; each RobotHost camera encoder gets a copy of its weights (the same computation)");
        if (c["pretrained_backbone_weights"] is JsonValue)
            notes.Add("pretrained_backbone_weights only chose LeRobot's initialisation; the trained backbone comes from model.safetensors");

        var trainSteps = Int(c, "num_train_timesteps", 100);
        var optimizerBetas = c["optimizer_betas"] as JsonArray;
        var config = new DiffusionConfig
        {
            Device = "cpu",
            NObsSteps = Int(c, "n_obs_steps", 2),
            Horizon = Int(c, "horizon", 64),
            NActionSteps = Int(c, "n_action_steps", 32),
            DownDims = c["down_dims"] is JsonArray dims ? dims.Select(d => d!.GetValue<int>()).ToList() : [512, 1024, 2048],
            KernelSize = Int(c, "kernel_size", 5),
            NGroups = Int(c, "n_groups", 8),
            StepEmbedDim = Int(c, "diffusion_step_embed_dim", 128),
            UseFilmScaleModulation = Bool(c, "use_film_scale_modulation", true),
            SpatialKeypoints = Int(c, "spatial_softmax_num_keypoints", 32),
            VisionBackboneWidth = 64,
            BackboneNorm = Bool(c, "use_group_norm", false) ? ResNetNorm.GroupNorm : ResNetNorm.BatchNorm,
            CropShape = crop,
            CropRatio = 1.0,
            ImageMean = norm.ImageMean,
            ImageStd = norm.ImageStd,
            NumTrainTimesteps = trainSteps,
            BetaSchedule = Str(c, "beta_schedule", "squaredcos_cap_v2") == "linear" ? "linear" : "squared_cosine",
            BetaStart = Double(c, "beta_start", 1e-4),
            BetaEnd = Double(c, "beta_end", 0.02),
            ClipSample = Bool(c, "clip_sample", true),
            ClipSampleRange = Double(c, "clip_sample_range", 1.0),
            NoiseScheduler = Str(c, "noise_scheduler_type", "DDPM") == "DDIM" ? "ddim" : "ddpm",
            NumInferenceSteps = c["num_inference_steps"] is JsonValue ? Int(c, "num_inference_steps", trainSteps) : trainSteps,
            DdimEta = 0,
            DdimClippedModelOutput = false,
            MaskPaddedActions = Bool(c, "do_mask_loss_for_padding", false),
            Lr = Double(c, "optimizer_lr", 1e-4),
            Beta1 = optimizerBetas is { Count: 2 } ? optimizerBetas[0]!.GetValue<double>() : 0.95,
            Beta2 = optimizerBetas is { Count: 2 } ? optimizerBetas[1]!.GetValue<double>() : 0.999,
            AdamEps = Double(c, "optimizer_eps", 1e-8),
            WeightDecay = Double(c, "optimizer_weight_decay", 1e-6),
            WarmupSteps = Int(c, "scheduler_warmup_steps", 500),
            StateNormalization = norm.Vectors[FeatureKeys.State].Mode,
            ActionNormalization = norm.Vectors[FeatureKeys.Action].Mode,
            Cameras = images.Select(PolicyFeatures.CameraName).ToList(),
            UseState = true,
        };
        if (fps is null) notes.Add("no --fps or --dataset: the data rate is recorded as 30 fps (it only matters for fine-tuning and plots)");
        var features = new PolicyFeatures(state, images, action, fps ?? 30);
        if (state!.Names is null) notes.Add("no joint names (pass --dataset DIR to take them from meta/info.json): the policy reads the robot's values in the robot's order");
        return (config, features, new Learning.Normalization.FeatureNormalizer(norm.Vectors));

        IReadOnlyList<string>? Names(string key, int count)
        {
            if (!names.TryGetValue(key, out var list)) return null;
            if (list.Count == count) return list;
            notes.Add($"the dataset names {list.Count} elements of '{key}' but the policy has {count}; names left out");
            return null;
        }
    }

    /// <summary>
    /// LeRobot Diffusion Policy names (without <c>diffusion.</c>, one encoder per camera) ↔ RobotHost names. Import
    /// reads it one way, export (<see cref="LeRobotDiffusionExporter"/>) the other.
    /// </summary>
    public static LeRobotNameMap Names { get; } = new(
        ("^rgb_encoder.{c}.backbone.0.", "^image_encoders.{c}.backbone.conv1."),
        ("^rgb_encoder.{c}.backbone.1.", "^image_encoders.{c}.backbone.bn1."),
        ("^rgb_encoder.{c}.backbone.4.", "^image_encoders.{c}.backbone.layer1."),
        ("^rgb_encoder.{c}.backbone.5.", "^image_encoders.{c}.backbone.layer2."),
        ("^rgb_encoder.{c}.backbone.6.", "^image_encoders.{c}.backbone.layer3."),
        ("^rgb_encoder.{c}.backbone.7.", "^image_encoders.{c}.backbone.layer4."),
        ("^rgb_encoder.{c}.pool.", "^image_encoders.{c}.pool."),
        ("^rgb_encoder.{c}.out.", "^image_encoders.{c}.out_proj."),
        ("^unet.diffusion_step_encoder.1.", "^unet.stepEncoder.expand."),
        ("^unet.diffusion_step_encoder.3.", "^unet.stepEncoder.project."),
        ("down_modules.{i}.0.", "down.{i}.first."),
        ("down_modules.{i}.1.", "down.{i}.second."),
        ("down_modules.{i}.2.", "down.{i}.resample."),
        ("up_modules.{i}.0.", "up.{i}.first."),
        ("up_modules.{i}.1.", "up.{i}.second."),
        ("up_modules.{i}.2.", "up.{i}.resample."),
        ("mid_modules.", "middle."),
        ("final_conv.0.block.0.", "finalBlock.conv."),
        ("final_conv.0.block.1.", "finalBlock.norm."),
        ("final_conv.1.", "finalProjection."),
        ("conv{k}.block.0.", "conv{k}.conv."),
        ("conv{k}.block.1.", "conv{k}.norm."),
        ("cond_encoder.1.", "condProjection."),
        ("residual_conv.", "residual."));

    /// <summary>
    /// LeRobot Diffusion Policy name → RobotHost names: none for recomputed buffers, one per camera for a shared image
    /// encoder, the name itself (which then does not fit) for anything unknown.
    /// </summary>
    public static IEnumerable<string> MapName(string name, int cameras, bool sharedEncoder)
    {
        if (!name.StartsWith("diffusion.", StringComparison.Ordinal)) return [name];
        var rest = name["diffusion.".Length..];
        if (rest.EndsWith(".pool.pos_grid", StringComparison.Ordinal)) return []; // a fixed grid; RobotHost computes the same one
        if (sharedEncoder && rest.StartsWith("rgb_encoder.", StringComparison.Ordinal))
        {
            var inner = rest["rgb_encoder.".Length..];
            return Enumerable.Range(0, cameras).Select(i => Names.ToRobotHost($"rgb_encoder.{i}.{inner}"));
        }
        return [Names.ToRobotHost(rest)];
    }
}
