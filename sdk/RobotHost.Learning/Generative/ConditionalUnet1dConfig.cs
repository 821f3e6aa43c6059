namespace RobotHost.Learning.Generative;

/// <summary>
/// Shape of the 1-D temporal conditional U-Net that denoises an action sequence (Chi et al., 2023, Diffusion Policy).
/// Defaults are the paper's CNN-based policy as LeRobot ships it.
/// </summary>
public sealed record ConditionalUnet1dConfig
{
    /// <summary>Channels of the sequence being denoised (the action dimension).</summary>
    public required int ActionDim { get; init; }

    /// <summary>
    /// Extra input channels read beside the sample and not predicted (1: the mask of committed actions of
    /// training-time real-time chunking); 0, the default, is the plain network.
    /// </summary>
    public int ConditioningChannels { get; init; }

    /// <summary>Width of the flattened observation features used for FiLM conditioning (0: unconditional).</summary>
    public required int GlobalConditionDim { get; init; }

    /// <summary>Channels per U-Net level; the sequence is halved between levels (LeRobot: 512/1024/2048).</summary>
    public IReadOnlyList<int> DownDims { get; init; } = [512, 1024, 2048];

    /// <summary>Temporal convolution kernel (paper: 5).</summary>
    public int KernelSize { get; init; } = 5;

    /// <summary>GroupNorm groups in every conv block (paper: 8).</summary>
    public int GroupCount { get; init; } = 8;

    /// <summary>Width of the sinusoidal step/time embedding (LeRobot: 128).</summary>
    public int StepEmbedDim { get; init; } = 128;

    /// <summary>FiLM predicts a per-channel scale and bias (true, LeRobot default) or only a bias (original code).</summary>
    public bool FilmScaleModulation { get; init; } = true;

    /// <summary>The sequence length must survive <c>DownDims.Count - 1</c> halvings exactly.</summary>
    public int HorizonMultiple => 1 << Math.Max(0, DownDims.Count - 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when the shape cannot be built.</summary>
    public void Validate()
    {
        if (ActionDim <= 0) throw new ArgumentException($"ActionDim must be positive, got {ActionDim}");
        if (ConditioningChannels < 0) throw new ArgumentException($"ConditioningChannels must be ≥ 0, got {ConditioningChannels}");
        if (GlobalConditionDim < 0) throw new ArgumentException($"GlobalConditionDim must be ≥ 0, got {GlobalConditionDim}");
        if (DownDims.Count == 0) throw new ArgumentException("DownDims needs at least one level, e.g. [64, 128, 256]");
        foreach (var d in DownDims)
            if (d <= 0 || d % GroupCount != 0)
                throw new ArgumentException($"every DownDims entry must be a positive multiple of GroupCount={GroupCount}, got {d}");
        if (KernelSize <= 0 || KernelSize % 2 == 0) throw new ArgumentException($"KernelSize must be odd, got {KernelSize}");
        if (StepEmbedDim < 4 || StepEmbedDim % 2 != 0) throw new ArgumentException($"StepEmbedDim must be even and ≥ 4, got {StepEmbedDim}");
    }
}
