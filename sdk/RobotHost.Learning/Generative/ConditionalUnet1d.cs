using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// 1-D temporal conditional U-Net (Chi et al., 2023, §III-B "CNN-based"): denoises an action sequence (B, T, A)
/// given a diffusion step / flow time (B,) and flattened observation features (B, GlobalConditionDim). Both
/// conditions are joined into one vector that drives FiLM in every residual block. Written after LeRobot's
/// <c>DiffusionConditionalUnet1d</c>: levels halve the sequence on the way down and double it on the way up, with
/// skip connections between matching levels.
/// </summary>
public sealed class ConditionalUnet1d : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly ConditionalUnet1dConfig _config;
    private readonly StepEncoder stepEncoder;
    private readonly ModuleList<UnetLevel> down;
    private readonly ModuleList<ConditionalResidualBlock1d> middle;
    private readonly ModuleList<UnetLevel> up;
    private readonly Conv1dBlock finalBlock;
    private readonly Conv1d finalProjection;

    public ConditionalUnet1d(ConditionalUnet1dConfig config) : base(nameof(ConditionalUnet1d))
    {
        config.Validate();
        _config = config;
        var conditionDim = config.StepEmbedDim + config.GlobalConditionDim;
        ConditionalResidualBlock1d Block(int i, int o) =>
            new(i, o, conditionDim, config.KernelSize, config.GroupCount, config.FilmScaleModulation);

        stepEncoder = new StepEncoder(config.StepEmbedDim);
        var dims = config.DownDims;
        var inOut = new List<(int In, int Out)> { (config.ActionDim + config.ConditioningChannels, dims[0]) };
        for (var i = 1; i < dims.Count; i++) inOut.Add((dims[i - 1], dims[i]));

        down = new ModuleList<UnetLevel>();
        for (var i = 0; i < inOut.Count; i++)
        {
            var isLast = i == inOut.Count - 1;
            var (dimIn, dimOut) = inOut[i];
            down.Add(new UnetLevel(Block(dimIn, dimOut), Block(dimOut, dimOut),
                isLast ? nn.Identity() : nn.Conv1d(dimOut, dimOut, 3, stride: 2, padding: 1)));
        }

        middle = new ModuleList<ConditionalResidualBlock1d>(Block(dims[^1], dims[^1]), Block(dims[^1], dims[^1]));

        // Up path mirrors the down path without its first (input) pair; every up level doubles the length.
        up = new ModuleList<UnetLevel>();
        for (var i = inOut.Count - 1; i >= 1; i--)
        {
            var (dimOut, dimIn) = inOut[i];
            up.Add(new UnetLevel(Block(dimIn * 2, dimOut), Block(dimOut, dimOut),
                nn.ConvTranspose1d(dimOut, dimOut, 4, stride: 2, padding: 1)));
        }

        finalBlock = new Conv1dBlock(dims[0], dims[0], config.KernelSize, config.GroupCount);
        finalProjection = nn.Conv1d(dims[0], config.ActionDim, 1);
        RegisterComponents();
    }

    /// <summary>The shape this network was built with.</summary>
    public ConditionalUnet1dConfig Config => _config;

    /// <summary>
    /// sample (B, T, A + <see cref="ConditionalUnet1dConfig.ConditioningChannels"/>), step (B,) — diffusion step index or scaled flow time, as floats —, globalCondition (B, D) or
    /// null when <see cref="ConditionalUnet1dConfig.GlobalConditionDim"/> is 0 → prediction (B, T, A).
    /// </summary>
    public override Tensor forward(Tensor sample, Tensor step, Tensor? globalCondition)
    {
        if (sample.shape[1] % _config.HorizonMultiple != 0)
            throw new ArgumentException($"sequence length {sample.shape[1]} must be a multiple of {_config.HorizonMultiple} for DownDims of {_config.DownDims.Count} levels");
        var channels = _config.ActionDim + _config.ConditioningChannels;
        if (sample.shape[2] != channels)
            throw new ArgumentException($"the U-Net reads {channels} channels per step ({_config.ActionDim} actions + {_config.ConditioningChannels} conditioning), got {sample.shape[2]}");
        using var scope = NewDisposeScope();
        var x = sample.transpose(1, 2);
        var condition = stepEncoder.forward(step);
        if (globalCondition is not null) condition = cat([condition, globalCondition], dim: -1);

        var skips = new List<Tensor>();
        foreach (var level in down)
        {
            x = level.Blocks(x, condition);
            skips.Add(x);
            x = level.Resample(x);
        }
        foreach (var block in middle) x = block.forward(x, condition);
        foreach (var level in up)
        {
            x = cat([x, skips[^1]], dim: 1);
            skips.RemoveAt(skips.Count - 1);
            x = level.Resample(level.Blocks(x, condition));
        }
        x = finalProjection.forward(finalBlock.forward(x));
        return x.transpose(1, 2).MoveToOuterDisposeScope();
    }
}
