using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>Fixed sinusoidal encodings (Vaswani et al. 2017): 1-D for sequences and diffusion steps, 2-D for image feature maps (DETR).</summary>
public static class SinusoidalEmbedding
{
    /// <summary>
    /// Positions 0…n−1 → [n, dim] float32 (sin on even, cos on odd channels), as ACT's VAE encoder uses. Computed in
    /// float64 and rounded once, as LeRobot's create_sinusoidal_pos_embedding (numpy) does.
    /// </summary>
    public static Tensor Table1D(long positions, long dim)
    {
        using var scope = NewDisposeScope();
        var position = arange(positions, dtype: float64).unsqueeze(1);
        var index = arange(dim, dtype: float64);
        var rates = pow(10000.0, (2 * floor_divide(index, 2)) / dim);
        var angles = position / rates;
        var even = (arange(dim) % 2).eq(0);
        return where(even, sin(angles), cos(angles)).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>Continuous values (e.g. diffusion time steps) [N] → [N, dim]: [sin(t·f), cos(t·f)] with log-spaced f.</summary>
    public static Tensor Embed1D(Tensor values, long dim)
    {
        using var scope = NewDisposeScope();
        var half = dim / 2;
        var frequencies = exp(arange(half, dtype: float32, device: values.device) * (-Math.Log(10000.0) / Math.Max(1, half - 1)));
        var angles = values.to(float32).unsqueeze(1) * frequencies.unsqueeze(0);
        return cat([sin(angles), cos(angles)], 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A feature map's 2-D positions → [dim, H, W]: half the channels encode y, half x, each with interleaved sin/cos,
    /// normalised to (0, 2π] as in DETR and LeRobot's ACTSinusoidalPositionEmbedding2d.
    /// </summary>
    public static Tensor Table2D(long height, long width, long dim, Device? device = null)
    {
        using var scope = NewDisposeScope();
        const double Scale = 2 * Math.PI;
        const double Eps = 1e-6;
        var half = dim / 2;
        var y = (arange(1, height + 1, dtype: float32) / (height + Eps) * Scale).view(height, 1).expand(height, width);
        var x = (arange(1, width + 1, dtype: float32) / (width + Eps) * Scale).view(1, width).expand(height, width);
        var index = arange(half, dtype: float32);
        var rates = pow(10000.0, 2 * floor_divide(index, 2) / half);
        var py = y.unsqueeze(-1) / rates; // [H, W, half]
        var px = x.unsqueeze(-1) / rates;
        var py2 = stack([py[.., .., TensorIndex.Slice(0, null, 2)].sin(), py[.., .., TensorIndex.Slice(1, null, 2)].cos()], -1).flatten(2);
        var px2 = stack([px[.., .., TensorIndex.Slice(0, null, 2)].sin(), px[.., .., TensorIndex.Slice(1, null, 2)].cos()], -1).flatten(2);
        var table = cat([py2, px2], -1).permute(2, 0, 1).contiguous();
        return (device is null ? table : table.to(device)).MoveToOuterDisposeScope();
    }
}
