using System.Globalization;
using System.Text.Json.Nodes;
using RobotHost.Learning;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Modules;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.Act;

/// <summary>
/// Writes a RobotHost ACT checkpoint as a LeRobot ACT <c>pretrained_model</c> folder (modeling_act.py's
/// <c>ACTPolicy</c>): the importer's name table read backwards (<see cref="LeRobotActImporter.Names"/>, <c>model.</c>
/// prepended), <c>vae_encoder_pos_enc</c> added, the backbone's <c>num_batches_tracked</c> left out (LeRobot's
/// FrozenBatchNorm2d has none). Settings LeRobot's ACT network has no place for are refused, naming the field.
/// </summary>
public static class LeRobotActExporter
{
    private const string Policy = "ACT";

    /// <summary>Exports <paramref name="request"/>.Checkpoint into <paramref name="request"/>.Output.</summary>
    /// <exception cref="RobotHostException">A missing or invalid checkpoint, or a setting LeRobot cannot express (the message names the field and the fix).</exception>
    public static LeRobotExportReport Export(LeRobotExportRequest request)
    {
        TorchRuntime.Initialize();
        var (directory, config, features, normalizer) = LeRobotExport.OpenCheckpoint<ActConfig>(request.Checkpoint, ActPolicyFactory.Key);
        CheckExpressible(directory, config, features);
        var notes = LeRobotExport.TrainingOnlyNotes(config, Policy);

        using var model = new ActModel(config, features);
        ModuleWeights.Load(model, Path.Combine(directory, PolicyCheckpoint.ModelFile), strict: true);
        var output = Path.GetFullPath(request.Output);
        LeRobotExport.PrepareOutput(output, request.Overwrite);
        var tensors = LeRobotExport.WriteWeights(output, model,
            name => name.StartsWith("backbone.", StringComparison.Ordinal) && name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)
                ? null
                : "model." + LeRobotActImporter.Names.ToLeRobotChecked(name),
            config.UseVae ? [("vae_encoder_pos_enc", SinusoidalEmbedding.Table1D(1 + (features.State is null ? 0 : 1) + config.ChunkSize, config.DModel).unsqueeze(0))] : []);

        var (inputs, outputs) = LeRobotExport.Features(features);
        var mapping = LeRobotExport.NormalizationMapping(features, normalizer);
        var c = LeRobotExport.BaseConfig(LeRobotActImporter.LeRobotType, 1, inputs, outputs, mapping);
        c["vision_backbone"] = "resnet18";
        c["pretrained_backbone_weights"] = null; // the trained backbone is in model.safetensors
        c["replace_final_stride_with_dilation"] = false;
        foreach (var (field, value) in PresetFields(config)) c[field] = value?.DeepClone();
        LeRobotExport.WriteConfig(output, c);
        LeRobotExport.WriteProcessors(output, inputs, outputs, mapping, features, config, normalizer);
        return new LeRobotExportReport(output, LeRobotActImporter.LeRobotType, tensors, notes);
    }

    /// <summary>LeRobot ACTConfig fields that carry a RobotHost config's settings (network shape, chunking, optimiser).</summary>
    public static JsonObject PresetFields(ActConfig config) => new()
    {
        ["chunk_size"] = config.ChunkSize,
        ["n_action_steps"] = config.NActionSteps,
        ["pre_norm"] = config.PreNorm,
        ["dim_model"] = config.DModel,
        ["n_heads"] = config.NHeads,
        ["dim_feedforward"] = config.DimFeedforward,
        ["feedforward_activation"] = config.FeedforwardActivation,
        ["n_encoder_layers"] = config.NEncoderLayers,
        ["n_decoder_layers"] = config.NDecoderLayers,
        ["use_vae"] = config.UseVae,
        ["latent_dim"] = config.LatentDim,
        ["n_vae_encoder_layers"] = config.NVaeEncoderLayers,
        ["temporal_ensemble_coeff"] = config.TemporalEnsembleCoeff is { } coeff ? JsonValue.Create(coeff) : null,
        ["dropout"] = config.Dropout,
        ["kl_weight"] = config.KlWeight,
        ["optimizer_lr"] = config.Lr,
        ["optimizer_weight_decay"] = config.WeightDecay,
        ["optimizer_lr_backbone"] = config.LrBackbone ?? config.Lr,
    };

    /// <summary>
    /// The lerobot-train settings for <paramref name="config"/>: <see cref="PresetFields"/> (a null temporal ensembling
    /// coefficient left to LeRobot's default, which is null) and notes on what LeRobot's ACT trains differently.
    /// </summary>
    public static LeRobotTrainingPlan TrainingPlan(ActConfig config, PolicyFeatures features)
    {
        var (fields, unmapped) = LeRobotExport.CommonTrainingPlan(config, features, Policy, lerobotGradClip: 10);
        foreach (var (field, value) in PresetFields(config))
            if (value is not null) fields[field] = value.DeepClone();
        void Note(bool when, string field, string note) { if (when) unmapped.Add(new LeRobotUnmappedSetting(field, note)); }
        const string backbone = "LeRobot's ACT trains the standard ResNet18 (width 64, 4 stages, frozen BatchNorm) from ImageNet weights";
        Note(config.VisionBackboneWidth != 64, "vision_backbone_width", backbone);
        Note(config.VisionBackboneStages != 4, "vision_backbone_stages", backbone);
        Note(config.BackboneNorm != ResNetNorm.BatchNorm, "backbone_norm", backbone);
        Note(config.PretrainedBackboneWeights is null, "pretrained_backbone_weights", backbone + " (RobotHost starts from scratch)");
        Note(config.ImageKeypoints != 0, "image_keypoints", "LeRobot's ACT has no keypoint tokens");
        Note(config.WarmupSteps != 0 || config.Scheduler != "constant", config.WarmupSteps != 0 ? "warmup_steps" : "scheduler", "LeRobot's ACT trains at a constant learning rate");
        Note(config.Beta1 != 0.9 || config.Beta2 != 0.999 || config.AdamEps != 1e-8, "beta1", "LeRobot's ACT uses AdamW's default betas (0.9, 0.999) and eps 1e-8");
        Note(config.PreNorm && config.UseVae && !config.VaeEncoderFinalNorm, "vae_encoder_final_norm", "LeRobot's pre-norm ACT always ends its VAE encoder with a LayerNorm");
        return new LeRobotTrainingPlan(LeRobotActImporter.LeRobotType, fields.ToList(), unmapped);
    }

    /// <summary>Refuses settings that change the computation in a way LeRobot's ACT network cannot reproduce.</summary>
    private static void CheckExpressible(string directory, ActConfig config, PolicyFeatures features)
    {
        RobotHostException Unsupported(string field, object value, string fix) =>
            LeRobotExport.Unsupported(directory, Policy, field, Convert.ToString(value, CultureInfo.InvariantCulture)!, fix);
        if (config.VisionBackboneWidth != 64) throw Unsupported("vision_backbone_width", config.VisionBackboneWidth, "LeRobot's ACT has the standard ResNet18; train with --set vision_backbone_width=64 to export");
        if (config.VisionBackboneStages != 4) throw Unsupported("vision_backbone_stages", config.VisionBackboneStages, "LeRobot's ACT reads ResNet18's layer4; train with --set vision_backbone_stages=4 to export");
        if (config.ImageKeypoints != 0) throw Unsupported("image_keypoints", config.ImageKeypoints, "LeRobot's ACT has no keypoint tokens; train with --set image_keypoints=0 to export");
        if (config.BackboneNorm != ResNetNorm.BatchNorm) throw Unsupported("backbone_norm", config.BackboneNorm, "LeRobot's ACT backbone uses (frozen) BatchNorm; train with --set backbone_norm=BatchNorm to export");
        if (config.PreNorm && config.UseVae && !config.VaeEncoderFinalNorm)
            throw Unsupported("vae_encoder_final_norm", "false", "LeRobot's pre-norm ACT ends its VAE encoder with a LayerNorm; train with --set vae_encoder_final_norm=true (or pre_norm=false) to export");
        if (features.Images.Count == 0)
            throw new RobotHostException($"{Path.Combine(directory, PolicyCheckpoint.ConfigFile)} has no camera; LeRobot's ACT needs at least one VISUAL input (or an environment state, which RobotHost does not have)");
    }
}
