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
        c["chunk_size"] = config.ChunkSize;
        c["n_action_steps"] = config.NActionSteps;
        c["vision_backbone"] = "resnet18";
        c["pretrained_backbone_weights"] = null; // the trained backbone is in model.safetensors
        c["replace_final_stride_with_dilation"] = false;
        c["pre_norm"] = config.PreNorm;
        c["dim_model"] = config.DModel;
        c["n_heads"] = config.NHeads;
        c["dim_feedforward"] = config.DimFeedforward;
        c["feedforward_activation"] = config.FeedforwardActivation;
        c["n_encoder_layers"] = config.NEncoderLayers;
        c["n_decoder_layers"] = config.NDecoderLayers;
        c["use_vae"] = config.UseVae;
        c["latent_dim"] = config.LatentDim;
        c["n_vae_encoder_layers"] = config.NVaeEncoderLayers;
        c["temporal_ensemble_coeff"] = config.TemporalEnsembleCoeff is { } coeff ? JsonValue.Create(coeff) : null;
        c["dropout"] = config.Dropout;
        c["kl_weight"] = config.KlWeight;
        c["optimizer_lr"] = config.Lr;
        c["optimizer_weight_decay"] = config.WeightDecay;
        c["optimizer_lr_backbone"] = config.LrBackbone ?? config.Lr;
        LeRobotExport.WriteConfig(output, c);
        LeRobotExport.WriteProcessors(output, inputs, outputs, mapping, features, config, normalizer);
        return new LeRobotExportReport(output, LeRobotActImporter.LeRobotType, tensors, notes);
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
