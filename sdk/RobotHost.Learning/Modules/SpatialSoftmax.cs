using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>
/// Spatial soft-argmax (Levine et al. 2016; Diffusion Policy's image head): optional 1×1 convolution to K keypoint maps,
/// a softmax over each map's pixels, and the expected (x, y) in [−1, 1] per keypoint → [N, K·2].
/// </summary>
public sealed class SpatialSoftmax : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>? nets;
    private readonly Tensor pos_grid;
    private readonly long _keypoints;

    /// <summary>Creates the head for feature maps of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <param name="keypoints">K; 0 keeps one keypoint per input channel.</param>
    public SpatialSoftmax(long channels, long height, long width, long keypoints = 32) : base(nameof(SpatialSoftmax))
    {
        if (keypoints > 0) nets = nn.Conv2d(channels, keypoints, 1);
        _keypoints = keypoints > 0 ? keypoints : channels;
        pos_grid = PositionGrid(height, width).DetachFromDisposeScope();
        register_buffer(nameof(pos_grid), pos_grid, persistent: false);
        RegisterComponents();
    }

    /// <summary>
    /// The [height·width, 2] pixel centres in [−1, 1], x varying fastest, as in LeRobot's SpatialSoftmax (numpy's float64
    /// linspace rounded once to float32, which LeRobot keeps because torch's float32 linspace differs in the last bit).
    /// </summary>
    public static Tensor PositionGrid(long height, long width)
    {
        using var xs = linspace(-1, 1, width, dtype: float64);
        using var ys = linspace(-1, 1, height, dtype: float64);
        var grid = meshgrid([xs, ys], indexing: "xy");
        var result = stack([grid[0].reshape(-1), grid[1].reshape(-1)], 1).to(float32);
        foreach (var g in grid) g.Dispose();
        return result;
    }

    /// <summary>Output width: 2·K.</summary>
    public long OutputDim => _keypoints * 2;

    /// <inheritdoc />
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var x = nets is null ? features : nets.call(features);
        var attention = nn.functional.softmax(x.flatten(2), -1); // [N, K, HW]
        var keypoints = matmul(attention, pos_grid); // [N, K, 2]
        return keypoints.flatten(1).MoveToOuterDisposeScope();
    }
}
