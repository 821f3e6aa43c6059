using System.Globalization;
using System.Text.Json.Nodes;
using RobotHost.Learning;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Modules;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.Diffusion;

/// <summary>
/// Writes a RobotHost diffusion checkpoint as a LeRobot Diffusion Policy <c>pretrained_model</c> folder
/// (modeling_diffusion.py's <c>DiffusionPolicy</c>, one image encoder per camera): the importer's name table read
/// backwards (<see cref="LeRobotDiffusionImporter.Names"/>, <c>diffusion.</c> prepended), SpatialSoftmax's
/// <c>pos_grid</c> added. Settings LeRobot's network or sampler cannot reproduce are refused, naming the field.
/// </summary>
public static class LeRobotDiffusionExporter
{
    private const string Policy = "Diffusion Policy";

    /// <summary>Exports <paramref name="request"/>.Checkpoint into <paramref name="request"/>.Output.</summary>
    /// <exception cref="RobotHostException">A missing or invalid checkpoint, or a setting LeRobot cannot express (the message names the field and the fix).</exception>
    public static LeRobotExportReport Export(LeRobotExportRequest request)
    {
        TorchRuntime.Initialize();
        var (directory, config, features, normalizer) = LeRobotExport.OpenCheckpoint<DiffusionConfig>(request.Checkpoint, DiffusionPolicyFactory.Key);
        var crop = CheckExpressible(directory, config, features);
        var notes = LeRobotExport.TrainingOnlyNotes(config, Policy);
        notes.Add("sampling noise comes from LeRobot's own generator, so actions match RobotHost's in distribution, not sample by sample");

        using var model = new DiffusionModel(config, features);
        ModuleWeights.Load(model, Path.Combine(directory, PolicyCheckpoint.ModelFile), strict: true);
        var output = Path.GetFullPath(request.Output);
        LeRobotExport.PrepareOutput(output, request.Overwrite);
        var tensors = LeRobotExport.WriteWeights(output, model, name => "diffusion." + LeRobotDiffusionImporter.Names.ToLeRobotChecked(name),
            Enumerable.Range(0, features.Images.Count).Select(i => ($"image_encoders.{i}.pool.pos_grid", PositionGrid(crop ?? features.ImageSize(i)))));

        var (inputs, outputs) = LeRobotExport.Features(features);
        var mapping = LeRobotExport.NormalizationMapping(features, normalizer);
        var c = LeRobotExport.BaseConfig(LeRobotDiffusionImporter.LeRobotType, config.NObsSteps, inputs, outputs, mapping);
        c["vision_backbone"] = "resnet18";
        c["resize_shape"] = null;
        c["crop_ratio"] = 1.0;
        c["crop_shape"] = crop is { } shape ? new JsonArray(shape.Height, shape.Width) : null;
        c["crop_is_random"] = true;
        c["pretrained_backbone_weights"] = null; // the trained backbone is in model.safetensors
        c["use_separate_rgb_encoder_per_camera"] = true;
        c["gradient_checkpointing"] = false;
        c["prediction_type"] = "epsilon";
        c["compile_model"] = false;
        c["compile_mode"] = "reduce-overhead";
        foreach (var (field, value) in PresetFields(config)) c[field] = value?.DeepClone();
        c["scheduler_name"] = "cosine";
        LeRobotExport.WriteConfig(output, c);
        LeRobotExport.WriteProcessors(output, inputs, outputs, mapping, features, config, normalizer);
        return new LeRobotExportReport(output, LeRobotDiffusionImporter.LeRobotType, tensors, notes);
    }

    /// <summary>LeRobot DiffusionConfig fields that carry a RobotHost config's settings (horizons, U-Net, schedule, optimiser).</summary>
    public static JsonObject PresetFields(DiffusionConfig config) => new()
    {
        ["horizon"] = config.Horizon,
        ["n_action_steps"] = config.NActionSteps,
        ["drop_n_last_frames"] = config.Horizon - config.NActionSteps - config.NObsSteps + 1,
        ["use_group_norm"] = config.BackboneNorm == ResNetNorm.GroupNorm,
        ["spatial_softmax_num_keypoints"] = config.SpatialKeypoints,
        ["down_dims"] = new JsonArray(config.DownDims.Select(d => (JsonNode)d).ToArray()),
        ["kernel_size"] = config.KernelSize,
        ["n_groups"] = config.NGroups,
        ["diffusion_step_embed_dim"] = config.StepEmbedDim,
        ["use_film_scale_modulation"] = config.UseFilmScaleModulation,
        ["noise_scheduler_type"] = config.NoiseScheduler == "ddim" ? "DDIM" : "DDPM",
        ["num_train_timesteps"] = config.NumTrainTimesteps,
        ["beta_schedule"] = config.BetaSchedule == "linear" ? "linear" : "squaredcos_cap_v2",
        ["beta_start"] = config.BetaStart,
        ["beta_end"] = config.BetaEnd,
        ["clip_sample"] = config.ClipSample,
        ["clip_sample_range"] = config.ClipSampleRange,
        ["num_inference_steps"] = config.NumInferenceSteps,
        ["do_mask_loss_for_padding"] = config.MaskPaddedActions,
        ["optimizer_lr"] = config.Lr,
        ["optimizer_betas"] = new JsonArray(config.Beta1, config.Beta2),
        ["optimizer_eps"] = config.AdamEps,
        ["optimizer_weight_decay"] = config.WeightDecay,
        ["scheduler_warmup_steps"] = config.WarmupSteps,
    };

    /// <summary>
    /// The lerobot-train settings for <paramref name="config"/>: <see cref="PresetFields"/>, the crop in pixels (LeRobot's
    /// crop_ratio only applies after a resize), the learning-rate schedule, and notes on what LeRobot trains differently.
    /// </summary>
    public static LeRobotTrainingPlan TrainingPlan(DiffusionConfig config, PolicyFeatures features)
    {
        var (fields, unmapped) = LeRobotExport.CommonTrainingPlan(config, features, Policy, lerobotGradClip: 10);
        fields["n_obs_steps"] = config.NObsSteps;
        foreach (var (field, value) in PresetFields(config)) fields[field] = value?.DeepClone();
        if (features.Images.Count > 0)
        {
            var (h, w) = features.ImageSize(0);
            var crop = config.CropShape is { } shape ? (Math.Min(h, shape[0]), Math.Min(w, shape[1]))
                : config.CropRatio < 1 ? (Math.Max(1, (int)Math.Round(h * config.CropRatio)), Math.Max(1, (int)Math.Round(w * config.CropRatio))) : (h, w);
            fields["crop_shape"] = crop == (h, w) ? null : new JsonArray(crop.Item1, crop.Item2);
        }
        fields["scheduler_name"] = config.Scheduler == "cosine" ? "cosine" : config.WarmupSteps > 0 ? "constant_with_warmup" : "constant";
        void Note(bool when, string field, string note) { if (when) unmapped.Add(new LeRobotUnmappedSetting(field, note)); }
        const string backbone = "LeRobot's Diffusion Policy trains the standard ResNet18 (width 64)";
        Note(config.VisionBackboneWidth != 64, "vision_backbone_width", backbone);
        Note(config.NGroups != 8, "n_groups", "LeRobot's final U-Net block keeps 8 groups");
        Note(config.RtcTrainingMaxDelay > 0, "rtc_training_max_delay", "LeRobot's Diffusion Policy has no input for committed actions; it trains the plain network");
        Note(config.NoiseScheduler == "ddim" && (config.DdimEta != 0 || config.DdimClippedModelOutput), config.DdimEta != 0 ? "ddim_eta" : "ddim_clipped_model_output",
            "LeRobot's DDIM samples with η = 0 and keeps the network's ε after clipping x₀ (the imported policy samples that way)");
        return new LeRobotTrainingPlan(LeRobotDiffusionImporter.LeRobotType, fields.ToList(), unmapped);
    }

    /// <summary>SpatialSoftmax's grid over ResNet18's feature map of a <paramref name="crop"/>-sized image.</summary>
    private static TorchSharp.torch.Tensor PositionGrid((int Height, int Width) crop)
    {
        var (h, w) = ResNet18.FeatureMapSize(crop.Height, crop.Width);
        return SpatialSoftmax.PositionGrid(h, w);
    }

    /// <summary>
    /// Refuses settings that change the computation in a way LeRobot's Diffusion Policy cannot reproduce; returns the
    /// centre crop in pixels (null: none).
    /// </summary>
    private static (int Height, int Width)? CheckExpressible(string directory, DiffusionConfig config, PolicyFeatures features)
    {
        RobotHostException Unsupported(string field, object value, string fix) =>
            LeRobotExport.Unsupported(directory, Policy, field, Convert.ToString(value, CultureInfo.InvariantCulture)!, fix);
        var file = Path.Combine(directory, PolicyCheckpoint.ConfigFile);
        if (config.RtcTrainingMaxDelay > 0)
            throw Unsupported("rtc_training_max_delay", config.RtcTrainingMaxDelay, "its U-Net reads the committed-action mask as an extra input, which LeRobot's Diffusion Policy has not; export a model trained with rtc_training_max_delay 0 (inference-time rtc needs no retraining)");
        if (config.VisionBackboneWidth != 64) throw Unsupported("vision_backbone_width", config.VisionBackboneWidth, "LeRobot's Diffusion Policy has the standard ResNet18; train with --set vision_backbone_width=64 to export");
        if (config.NGroups != 8) throw Unsupported("n_groups", config.NGroups, "LeRobot's final U-Net block keeps 8 groups whatever n_groups says; train with --set n_groups=8 to export");
        var factor = 1 << config.DownDims.Count;
        if (config.Horizon % factor != 0) throw Unsupported("horizon", config.Horizon, $"LeRobot requires a multiple of 2^len(down_dims) = {factor}; train with such a horizon to export");
        if (config.NoiseScheduler == "ddim" && config.DdimEta != 0) throw Unsupported("ddim_eta", config.DdimEta, "LeRobot's DDIM sampler is deterministic (η = 0); set \"ddim_eta\": 0 in config.json (a sampling setting, no retraining)");
        if (config.NoiseScheduler == "ddim" && config.DdimClippedModelOutput)
            throw Unsupported("ddim_clipped_model_output", "true", "LeRobot's DDIM keeps the network's ε after clipping x₀; set \"ddim_clipped_model_output\": false in config.json (a sampling setting, no retraining)");
        if (features.State is null || !config.UseState)
            throw new RobotHostException($"{file} has no {FeatureKeys.State} input; LeRobot's Diffusion Policy conditions on the robot state, so train with the state to export");
        if (features.Images.Count == 0)
            throw new RobotHostException($"{file} has no camera; RobotHost exports Diffusion Policies that see at least one camera");
        var sizes = Enumerable.Range(0, features.Images.Count).Select(features.ImageSize).Distinct().ToList();
        if (sizes.Count > 1)
            throw new RobotHostException($"{file}: the cameras have different sizes ({string.Join(", ", sizes.Select(s => $"{s.Height}×{s.Width}"))}); LeRobot's Diffusion Policy needs them all the same size");
        var (h, w) = sizes[0];
        if (config.CropShape is { } shape)
        {
            var crop = (Math.Min(h, shape[0]), Math.Min(w, shape[1]));
            return crop == (h, w) ? null : crop;
        }
        if (config.CropRatio >= 1) return null;
        var (ch, cw) = (Math.Max(1, (int)Math.Round(h * config.CropRatio)), Math.Max(1, (int)Math.Round(w * config.CropRatio)));
        // crop_ratio centres the crop at ⌊margin / 2⌋, LeRobot (torchvision) at round-half-even(margin / 2).
        static bool SameCentre(int margin) => margin / 2 == (int)Math.Round(margin / 2.0, MidpointRounding.ToEven);
        if (!SameCentre(h - ch) || !SameCentre(w - cw))
            throw Unsupported("crop_ratio", config.CropRatio, $"its {ch}×{cw} centre crop of {h}×{w} images starts one pixel from where LeRobot's centre crop does; set \"crop_shape\": [{ch}, {cw}] in config.json (RobotHost then crops as LeRobot does) and export again");
        return (ch, cw);
    }
}
