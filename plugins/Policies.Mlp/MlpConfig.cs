using RobotHost.Learning.Policies;

namespace RobotHost.Plugins.Policies.Mlp;

/// <summary>
/// Point-estimate behaviour cloning: an MLP from state (and image features) to the next action, or a short chunk,
/// trained with MSE. The baseline every imitation-learning course warns about: on multimodal demonstrations it predicts the average.
/// </summary>
public sealed record MlpConfig : PolicyConfig
{
    /// <summary>Creates the default ("paper") config: the classic BC baseline shape.</summary>
    public MlpConfig()
    {
        Lr = 1e-3;
        WeightDecay = 0;
    }

    /// <summary>Hidden layer widths.</summary>
    public IReadOnlyList<int> HiddenDims { get; init; } = [512, 512];
    /// <summary>Actions predicted per query (1 = next action only).</summary>
    public int ChunkSize { get; init; } = 1;
    /// <summary>Actions executed per query.</summary>
    public int NActionSteps { get; init; } = 1;
    /// <summary>Features per camera from the vision encoder.</summary>
    public int ImageFeatureDim { get; init; } = 64;
    /// <summary>Spatial soft-argmax keypoints per camera.</summary>
    public int SpatialKeypoints { get; init; } = 32;
    /// <summary>ResNet18 first-stage width (64 = standard; smaller is faster on a CPU).</summary>
    public int VisionBackboneWidth { get; init; } = 64;
    /// <summary>Dropout between hidden layers.</summary>
    public double Dropout { get; init; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var p in base.Validate()) yield return p;
        if (HiddenDims.Count == 0 || HiddenDims.Any(d => d < 1)) yield return "hidden_dims must list one or more positive widths, e.g. [256,256]";
        if (ChunkSize < 1) yield return $"chunk_size must be ≥ 1, got {ChunkSize}";
        if (NActionSteps < 1 || NActionSteps > ChunkSize) yield return $"n_action_steps must be between 1 and chunk_size ({ChunkSize}), got {NActionSteps}";
        if (ImageFeatureDim < 1) yield return $"image_feature_dim must be ≥ 1, got {ImageFeatureDim}";
        if (SpatialKeypoints < 1) yield return $"spatial_keypoints must be ≥ 1, got {SpatialKeypoints}";
        if (VisionBackboneWidth < 4) yield return $"vision_backbone_width must be ≥ 4, got {VisionBackboneWidth}";
        if (Dropout is < 0 or >= 1) yield return $"dropout must be in [0, 1), got {Dropout}";
    }
}
