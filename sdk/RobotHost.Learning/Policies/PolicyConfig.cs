using RobotHost.Learning.Normalization;
using RobotHost.Sdk;

namespace RobotHost.Learning.Policies;

/// <summary>
/// What every trainable policy's config carries besides its network shape: device, optimiser, schedule, batch,
/// normalisation, cameras and augmentation. Each policy derives one sealed record with its paper defaults.
/// Names bind from <c>--set name=value</c> in snake_case (<c>lr</c>, <c>batch_size</c>, <c>warmup_steps</c>…).
/// </summary>
public abstract record PolicyConfig : ComponentConfig
{
    /// <summary><c>cpu</c> or <c>cuda</c> (<c>cuda:N</c>); CPU is the tested default.</summary>
    public string Device { get; init; } = "cpu";
    /// <summary><c>adamw</c> (decoupled weight decay) or <c>adam</c> (L2 added to the gradient).</summary>
    public string Optimizer { get; init; } = "adamw";
    /// <summary>Learning rate.</summary>
    public double Lr { get; init; } = 1e-4;
    /// <summary>Learning rate of the vision backbone (ACT uses its own); null means <see cref="Lr"/>.</summary>
    public double? LrBackbone { get; init; }
    /// <summary>Weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Adam β1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam β2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>Adam ε.</summary>
    public double AdamEps { get; init; } = 1e-8;
    /// <summary><c>constant</c> or <c>cosine</c> (decays to zero at the last step, after warm-up).</summary>
    public string Scheduler { get; init; } = "constant";
    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; }
    /// <summary>Clip the global gradient norm to this (0 disables).</summary>
    public double GradClipNorm { get; init; } = 10.0;
    /// <summary>Keep an exponential moving average of the weights and save it as the checkpoint's weights.</summary>
    public bool UseEma { get; init; }
    /// <summary>EMA warm-up power (diffusers' EMAModel: decay = 1 − (1 + step)^−power, capped at <see cref="EmaMaxDecay"/>).</summary>
    public double EmaPower { get; init; } = 0.75;
    /// <summary>Largest EMA decay.</summary>
    public double EmaMaxDecay { get; init; } = 0.9999;
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Normalisation of <c>observation.state</c>.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(NormalizationModeJsonConverter))]
    public NormalizationMode StateNormalization { get; init; } = NormalizationMode.MeanStd;
    /// <summary>Normalisation of <c>action</c>.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(NormalizationModeJsonConverter))]
    public NormalizationMode ActionNormalization { get; init; } = NormalizationMode.MeanStd;
    /// <summary>Cameras to use by name (<c>front</c>) or key; null uses every camera of the dataset, empty none.</summary>
    public IReadOnlyList<string>? Cameras { get; init; }
    /// <summary>Read <c>observation.state</c>.</summary>
    public bool UseState { get; init; } = true;
    /// <summary>Random-crop augmentation: pad by this many pixels (edge replicate) and crop back at a random offset; 0 disables.</summary>
    public int CropPadding { get; init; }
    /// <summary>Colour jitter strength (brightness, contrast, saturation factors in [1 − s, 1 + s]); 0 disables.</summary>
    public double ColorJitter { get; init; }
    /// <summary>
    /// Training-time Gaussian noise on the normalised <c>observation.state</c> (σ in standard deviations; the action
    /// targets stay clean); 0 disables. Makes the policy read where the arm is from the images as well instead of
    /// extrapolating the joint trajectory it is on (the "copycat" shortcut of behaviour cloning with proprioception).
    /// </summary>
    public double StateNoise { get; init; }
    /// <summary>Background threads decoding and collating batches.</summary>
    public int NumWorkers { get; init; } = 2;
    /// <summary>libtorch intra-op threads for training; 0 keeps libtorch's default (one per core).</summary>
    public int CpuThreads { get; init; }

    /// <summary>libtorch intra-op threads for batch-1 inference (policy rollouts); 1 is fastest for the small presets on a 2-core CPU, 0 keeps the caller's.</summary>
    public int InferenceThreads { get; init; } = 1;

    /// <summary>
    /// Per-camera image normalisation <c>(x − mean) / std</c> on [0, 1] pixels, three values per camera feature key.
    /// Null (the default) uses the ImageNet statistics; the LeRobot importers set the checkpoint's own (with
    /// LeRobot's ε already added to std), so images are scaled exactly as the policy was trained.
    /// </summary>
    public IReadOnlyDictionary<string, double[]>? ImageMean { get; init; }
    /// <summary>Divisors paired with <see cref="ImageMean"/>.</summary>
    public IReadOnlyDictionary<string, double[]>? ImageStd { get; init; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (Device != "cpu" && !Device.StartsWith("cuda", StringComparison.Ordinal)) yield return $"device must be cpu or cuda[:N], got '{Device}'";
        if (Optimizer is not ("adamw" or "adam")) yield return $"optimizer must be adamw or adam, got '{Optimizer}'";
        if (Lr <= 0) yield return $"lr must be positive, got {Lr}";
        if (LrBackbone is <= 0) yield return $"lr_backbone must be positive, got {LrBackbone}";
        if (WeightDecay < 0) yield return $"weight_decay must be ≥ 0, got {WeightDecay}";
        if (Scheduler is not ("constant" or "cosine")) yield return $"scheduler must be constant or cosine, got '{Scheduler}'";
        if (WarmupSteps < 0) yield return $"warmup_steps must be ≥ 0, got {WarmupSteps}";
        if (GradClipNorm < 0) yield return $"grad_clip_norm must be ≥ 0 (0 disables), got {GradClipNorm}";
        if (BatchSize < 1) yield return $"batch_size must be ≥ 1, got {BatchSize}";
        if (CropPadding < 0) yield return $"crop_padding must be ≥ 0, got {CropPadding}";
        if (ColorJitter is < 0 or >= 1) yield return $"color_jitter must be in [0, 1), got {ColorJitter}";
        if (StateNoise is < 0 or > 10 || double.IsNaN(StateNoise)) yield return $"state_noise must be between 0 (off) and 10 standard deviations, got {StateNoise}";
        if (StateNoise > 0 && !UseState) yield return "state_noise needs use_state=true (there is no state to add noise to)";
        if ((ImageMean is null) != (ImageStd is null)) yield return "image_mean and image_std go together: set both (per camera key) or neither (ImageNet statistics)";
        foreach (var (name, table) in new[] { ("image_mean", ImageMean), ("image_std", ImageStd) })
        {
            if (table is null) continue;
            foreach (var (key, values) in table)
            {
                if (values is not { Length: 3 }) yield return $"{name}['{key}'] must have 3 values (R, G, B), got {values?.Length ?? 0}";
                else if (name == "image_std" && values.Any(v => !(v > 0))) yield return $"image_std['{key}'] must be positive, got [{string.Join(", ", values)}]";
            }
        }
        if (NumWorkers < 0) yield return $"num_workers must be ≥ 0, got {NumWorkers}";
        if (EmaMaxDecay is < 0 or >= 1) yield return $"ema_max_decay must be in [0, 1), got {EmaMaxDecay}";
    }

    /// <summary>The normalisation modes by feature key.</summary>
    public IReadOnlyDictionary<string, NormalizationMode> NormalizationModes(PolicyFeatures features)
    {
        var modes = new Dictionary<string, NormalizationMode> { [features.Action.Key] = ActionNormalization };
        if (features.State is not null) modes[features.State.Key] = StateNormalization;
        return modes;
    }
}
