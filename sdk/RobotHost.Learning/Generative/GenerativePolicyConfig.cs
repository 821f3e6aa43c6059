using RobotHost.Learning.Modules;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;

namespace RobotHost.Learning.Generative;

/// <summary>
/// What Diffusion Policy and flow matching share (Chi et al., 2023): an observation window, a predicted action
/// sequence executed in part, a conditional 1-D U-Net over it, an optional per-camera ResNet18 (GroupNorm) with
/// spatial-softmax keypoints and random-crop augmentation, and a seeded sampler. Defaults are the paper's;
/// state and action are min-max normalised to [−1, 1] as the paper does (so sample clipping at ±1 is meaningful).
/// </summary>
public abstract record GenerativePolicyConfig : PolicyConfig
{
    /// <summary>Sets the optimiser defaults of Diffusion Policy (LeRobot: Adam lr 1e-4, β (0.95, 0.999), wd 1e-6, cosine, 500 warm-up, EMA power 0.75).</summary>
    protected GenerativePolicyConfig()
    {
        Optimizer = "adam";
        Lr = 1e-4;
        Beta1 = 0.95;
        Beta2 = 0.999;
        WeightDecay = 1e-6;
        Scheduler = "cosine";
        WarmupSteps = 500;
        UseEma = true;
        EmaPower = 0.75;
        BatchSize = 64;
        StateNormalization = NormalizationMode.MinMax;
        ActionNormalization = NormalizationMode.MinMax;
    }

    /// <summary>Observation frames per decision, ending at the current one (paper: 2).</summary>
    public int NObsSteps { get; init; } = 2;

    /// <summary>Actions in the predicted sequence, starting at the oldest observation (paper: 16).</summary>
    public int Horizon { get; init; } = 16;

    /// <summary>Actions executed from each prediction before sampling again (paper: 8).</summary>
    public int NActionSteps { get; init; } = 8;

    /// <summary>U-Net channels per level (LeRobot: 512/1024/2048); the horizon must divide by 2^(levels − 1).</summary>
    public IReadOnlyList<int> DownDims { get; init; } = [512, 1024, 2048];

    /// <summary>Temporal convolution kernel (paper: 5).</summary>
    public int KernelSize { get; init; } = 5;

    /// <summary>GroupNorm groups (paper: 8).</summary>
    public int NGroups { get; init; } = 8;

    /// <summary>Step/time embedding width (LeRobot: 128).</summary>
    public int StepEmbedDim { get; init; } = 128;

    /// <summary>FiLM scales and shifts (true, LeRobot) or only shifts.</summary>
    public bool UseFilmScaleModulation { get; init; } = true;

    /// <summary>Spatial soft-argmax keypoints per camera (LeRobot: 32); the camera feature is 2 × this.</summary>
    public int SpatialKeypoints { get; init; } = 32;

    /// <summary>ResNet18 first-stage width (64 = standard; narrower trains faster on a CPU).</summary>
    public int VisionBackboneWidth { get; init; } = 64;

    /// <summary>Crop side as a fraction of the image (84 of 96 = 0.875, the paper's PushT crop): random while training, centred at inference; 1 disables.</summary>
    public double CropRatio { get; init; } = 0.875;

    /// <summary>
    /// Crop size in pixels, [height, width], instead of <see cref="CropRatio"/> (LeRobot's <c>crop_shape</c>); the
    /// centre crop then starts where torchvision's CenterCrop starts (half the margin, rounded half to even).
    /// </summary>
    public IReadOnlyList<int>? CropShape { get; init; }

    /// <summary>Normalisation layers of the ResNet18: GroupNorm (paper, trains from scratch) or BatchNorm (torchvision's, as LeRobot's default ImageNet backbone).</summary>
    public ResNetNorm BackboneNorm { get; init; } = ResNetNorm.GroupNorm;

    /// <summary>Mask padded actions (past the episode's end) out of the loss; LeRobot's default keeps them (copies of the last action).</summary>
    public bool MaskPaddedActions { get; init; }

    /// <summary>Seed of the sampling noise when the policy is created; each episode reset then reseeds from libtorch's
    /// global generator (see <see cref="GenerativePolicyRuntime.Reset"/>).</summary>
    public long SamplingSeed { get; init; }

    /// <summary>Real-time chunking: actions executed per chunk before the next inference starts; 0 uses <see cref="NActionSteps"/>.</summary>
    public int RtcExecutionHorizon { get; init; }

    /// <summary>Real-time chunking: soft mask over the overlap with the previous chunk (<c>exp</c>, <c>linear</c>, <c>ones</c>, <c>zeros</c>).</summary>
    public string RtcMaskSchedule { get; init; } = "exp";

    /// <summary>Real-time chunking: clip β of the guidance weight.</summary>
    public double RtcMaxGuidanceWeight { get; init; } = 5.0;

    /// <summary>
    /// Training-time real-time chunking: the longest inference delay, in control ticks, simulated while training (0:
    /// off). Each sample commits its first d actions from the current frame on, d drawn from
    /// <see cref="RtcTrainingDelayDistribution"/> on 0 … this: the network gets them clean, with a mask channel marking
    /// them, and they leave the loss. A chunk computed with a committed prefix then starts with it and continues it
    /// without guidance. Changes the network's input (not exportable to LeRobot).
    /// </summary>
    public int RtcTrainingMaxDelay { get; init; }

    /// <summary>Delay distributions of training-time real-time chunking: uniform on 0 … max, or exponentially decreasing.</summary>
    public static readonly IReadOnlyList<string> TrainingDelayDistributions = ["uniform", "exp"];

    /// <summary>
    /// Training-time real-time chunking: the distribution of the simulated delay d on 0 … <see cref="RtcTrainingMaxDelay"/>:
    /// <c>uniform</c>, or <c>exp</c> (P(d) ∝ e^(−2d/max): short delays more often, d = max e² ≈ 7.4 times rarer than d = 0).
    /// </summary>
    public string RtcTrainingDelayDistribution { get; init; } = "uniform";

    /// <summary>The real-time chunking sampler options of this config (the execution horizon resolved).</summary>
    public RealTimeChunkingConfig RealTimeChunking() => new()
    {
        ExecutionHorizon = RtcExecutionHorizon > 0 ? RtcExecutionHorizon : NActionSteps,
        MaskSchedule = RtcMaskSchedule,
        MaxGuidanceWeight = RtcMaxGuidanceWeight,
    };

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var p in base.Validate()) yield return p;
        foreach (var p in new RealTimeChunkingConfig { ExecutionHorizon = RtcExecutionHorizon, MaskSchedule = RtcMaskSchedule, MaxGuidanceWeight = RtcMaxGuidanceWeight }.Validate()) yield return p;
        if (RtcExecutionHorizon > Horizon - NObsSteps + 1)
            yield return $"rtc_execution_horizon must be at most the executed chunk, horizon − n_obs_steps + 1 = {Horizon - NObsSteps + 1}, got {RtcExecutionHorizon}";
        if (RtcTrainingMaxDelay < 0 || RtcTrainingMaxDelay >= Math.Max(1, Horizon - NObsSteps + 1))
            yield return $"rtc_training_max_delay must be 0 (off) or a number of ticks below the executed chunk, horizon − n_obs_steps + 1 = {Horizon - NObsSteps + 1}, got {RtcTrainingMaxDelay}; set it to the longest inference delay you expect, in ticks";
        if (!TrainingDelayDistributions.Contains(RtcTrainingDelayDistribution))
            yield return $"rtc_training_delay_distribution must be one of {string.Join(", ", TrainingDelayDistributions)}, got '{RtcTrainingDelayDistribution}'";
        if (NObsSteps < 1) yield return $"n_obs_steps must be ≥ 1, got {NObsSteps}";
        if (Horizon < 1) yield return $"horizon must be ≥ 1, got {Horizon}";
        var multiple = 1 << Math.Max(0, DownDims.Count - 1);
        if (DownDims.Count == 0 || DownDims.Any(d => d < 1)) yield return "down_dims must list one or more positive widths, e.g. [64,128,256]";
        else if (Horizon % multiple != 0) yield return $"horizon ({Horizon}) must be a multiple of {multiple}: the U-Net halves it {DownDims.Count - 1} times for down_dims of {DownDims.Count} levels";
        if (NGroups < 1 || DownDims.Any(d => d % NGroups != 0)) yield return $"every down_dims width must be a multiple of n_groups ({NGroups})";
        if (KernelSize < 1 || KernelSize % 2 == 0) yield return $"kernel_size must be odd, got {KernelSize}";
        if (StepEmbedDim < 4 || StepEmbedDim % 2 != 0) yield return $"step_embed_dim must be even and ≥ 4, got {StepEmbedDim}";
        if (NActionSteps < 1 || NActionSteps > Horizon - NObsSteps + 1)
            yield return $"n_action_steps must be between 1 and horizon − n_obs_steps + 1 = {Horizon - NObsSteps + 1}, got {NActionSteps}";
        if (SpatialKeypoints < 1) yield return $"spatial_keypoints must be ≥ 1, got {SpatialKeypoints}";
        if (VisionBackboneWidth < 4) yield return $"vision_backbone_width must be ≥ 4, got {VisionBackboneWidth}";
        if (CropRatio is <= 0 or > 1) yield return $"crop_ratio must be in (0, 1], got {CropRatio}";
        if (CropShape is not null && (CropShape.Count != 2 || CropShape.Any(d => d < 1))) yield return $"crop_shape must be [height, width] in pixels, got [{string.Join(", ", CropShape)}]";
    }

    /// <summary>The U-Net shape for an action width and a conditioning width.</summary>
    public ConditionalUnet1dConfig UnetConfig(int actionDim, int globalConditionDim) => new()
    {
        ActionDim = actionDim,
        GlobalConditionDim = globalConditionDim,
        DownDims = DownDims,
        KernelSize = KernelSize,
        GroupCount = NGroups,
        StepEmbedDim = StepEmbedDim,
        FilmScaleModulation = UseFilmScaleModulation,
        ConditioningChannels = RtcTrainingMaxDelay > 0 ? 1 : 0,
    };
}
