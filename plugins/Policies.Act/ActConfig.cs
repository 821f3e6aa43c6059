using RobotHost.Learning.Modules;
using RobotHost.Learning.Policies;

namespace RobotHost.Plugins.Policies.Act;

/// <summary>
/// ACT — Action Chunking with Transformers (Zhao et al. 2023). Defaults are the paper's / LeRobot's ACTConfig:
/// d_model 512, 8 heads, feed-forward 3200, 4 encoder layers, 1 decoder layer, 4 VAE-encoder layers, latent 32,
/// KL weight 10, dropout 0.1, chunk 100, AdamW lr 1e-5 (backbone 1e-5), weight decay 1e-4, batch 8.
/// </summary>
public sealed record ActConfig : PolicyConfig
{
    /// <summary>Creates the paper defaults.</summary>
    public ActConfig()
    {
        Lr = 1e-5;
        LrBackbone = 1e-5;
        WeightDecay = 1e-4;
        BatchSize = 8;
        GradClipNorm = 10;
    }

    /// <summary>Actions predicted per query (k).</summary>
    public int ChunkSize { get; init; } = 100;
    /// <summary>Actions executed per query when temporal ensembling is off.</summary>
    public int NActionSteps { get; init; } = 100;
    /// <summary>Temporal ensembling coefficient m (paper 0.01); set it to query every step and blend (then n_action_steps must be 1).</summary>
    public double? TemporalEnsembleCoeff { get; init; }
    /// <summary>Transformer width.</summary>
    public int DModel { get; init; } = 512;
    /// <summary>Attention heads.</summary>
    public int NHeads { get; init; } = 8;
    /// <summary>Feed-forward width.</summary>
    public int DimFeedforward { get; init; } = 3200;
    /// <summary>Encoder layers.</summary>
    public int NEncoderLayers { get; init; } = 4;
    /// <summary>Decoder layers (the original code's 7-layer decoder only used the first).</summary>
    public int NDecoderLayers { get; init; } = 1;
    /// <summary>Layers of the CVAE encoder.</summary>
    public int NVaeEncoderLayers { get; init; } = 4;
    /// <summary>Use the CVAE (without it, success on human data fell from 35.3% to 2% in the paper).</summary>
    public bool UseVae { get; init; } = true;
    /// <summary>Latent size.</summary>
    public int LatentDim { get; init; } = 32;
    /// <summary>β of the KL term.</summary>
    public double KlWeight { get; init; } = 10.0;
    /// <summary>Dropout in the transformer.</summary>
    public double Dropout { get; init; } = 0.1;
    /// <summary>Pre-norm layers (LeRobot default false: post-norm).</summary>
    public bool PreNorm { get; init; }
    /// <summary>ResNet18 first-stage width: 64 is the standard ResNet18; smaller trains faster on a CPU.</summary>
    public int VisionBackboneWidth { get; init; } = 64;
    /// <summary>
    /// ResNet18 stages: 4 (the paper; a 96×96 image gives 3×3 tokens), 3 (stops after layer3: 6×6 tokens of stride 16,
    /// finer positions for the small images a CPU trains on, and a quarter less backbone compute) or 2 (after layer2:
    /// 12×12 tokens of stride 8).
    /// </summary>
    public int VisionBackboneStages { get; init; } = 4;
    /// <summary>
    /// Spatial soft-argmax keypoints (Levine et al. 2016, Diffusion Policy's image head) added to each camera's tokens: K
    /// expected (x, y) positions on the backbone's last map, projected into one more encoder token per camera. Gives the
    /// transformer positions finer than a token's cell (a cube is a few pixels of a 96×96 image); 0 = off (the paper).
    /// </summary>
    public int ImageKeypoints { get; init; }
    /// <summary>Backbone normalisation (the paper uses frozen ImageNet BatchNorm; here trained from scratch).</summary>
    public ResNetNorm BackboneNorm { get; init; } = ResNetNorm.BatchNorm;
    /// <summary>Optional safetensors file with torchvision ResNet18 weights for the backbone (width 64 only).</summary>
    public string? PretrainedBackboneWeights { get; init; }
    /// <summary>Feed-forward activation of the transformer layers: <c>relu</c> (paper, LeRobot default) or <c>gelu</c>.</summary>
    public string FeedforwardActivation { get; init; } = "relu";
    /// <summary>
    /// End the pre-norm CVAE encoder with a LayerNorm, as LeRobot's ACTEncoder does when pre_norm is on (set by the
    /// LeRobot importer; off by default so RobotHost pre-norm checkpoints keep their parameters).
    /// </summary>
    public bool VaeEncoderFinalNorm { get; init; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var p in base.Validate()) yield return p;
        if (ChunkSize < 1) yield return $"chunk_size must be ≥ 1, got {ChunkSize}";
        if (NActionSteps < 1 || NActionSteps > ChunkSize) yield return $"n_action_steps must be between 1 and chunk_size ({ChunkSize}), got {NActionSteps}";
        if (TemporalEnsembleCoeff is not null && NActionSteps != 1) yield return $"temporal ensembling queries the policy every step: set n_action_steps=1 (got {NActionSteps}), or temporal_ensemble_coeff=null to execute chunks of n_action_steps";
        if (DModel < 2 || NHeads < 1 || DModel % NHeads != 0) yield return $"d_model ({DModel}) must be a positive multiple of n_heads ({NHeads})";
        if (DModel % 4 != 0) yield return $"d_model must be a multiple of 4 for the 2-D sinusoidal positions, got {DModel}";
        if (DimFeedforward < 1) yield return $"dim_feedforward must be ≥ 1, got {DimFeedforward}";
        if (NEncoderLayers < 1 || NDecoderLayers < 1) yield return "n_encoder_layers and n_decoder_layers must be ≥ 1";
        if (UseVae && NVaeEncoderLayers < 1) yield return "n_vae_encoder_layers must be ≥ 1 when use_vae is on";
        if (LatentDim < 1) yield return $"latent_dim must be ≥ 1, got {LatentDim}";
        if (KlWeight < 0) yield return $"kl_weight must be ≥ 0, got {KlWeight}";
        if (Dropout is < 0 or >= 1) yield return $"dropout must be in [0, 1), got {Dropout}";
        if (VisionBackboneWidth < 4) yield return $"vision_backbone_width must be ≥ 4, got {VisionBackboneWidth}";
        if (PretrainedBackboneWeights is not null && VisionBackboneWidth != 64) yield return "pretrained_backbone_weights needs vision_backbone_width=64 (the standard ResNet18)";
        if (VisionBackboneStages is not (2 or 3 or 4)) yield return $"vision_backbone_stages must be 2, 3 or 4, got {VisionBackboneStages}";
        if (ImageKeypoints is < 0 or > 512) yield return $"image_keypoints must be between 0 (off) and 512, got {ImageKeypoints}";
        if (PretrainedBackboneWeights is not null && !File.Exists(PretrainedBackboneWeights)) yield return $"pretrained_backbone_weights file '{PretrainedBackboneWeights}' does not exist";
        if (FeedforwardActivation is not ("relu" or "gelu")) yield return $"feedforward_activation must be relu or gelu, got '{FeedforwardActivation}'";
        if (VaeEncoderFinalNorm && !PreNorm) yield return "vae_encoder_final_norm belongs to the pre-norm layout: set pre_norm=true or turn it off";
    }
}
