using RobotHost.Learning.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>
/// Camera image → feature vector, as Diffusion Policy's image encoder: per-channel normalisation (ImageNet's unless
/// <c>imageMean</c>/<c>imageStd</c> are given), ResNet18 trunk,
/// spatial soft-argmax keypoints, a linear layer and ReLU. Input [N, 3, H, W] in [0, 1]; output [N, <see cref="OutputDim"/>].
/// </summary>
public sealed class VisionEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ResNet18 backbone;
    private readonly SpatialSoftmax pool;
    private readonly Linear out_proj;
    private readonly Tensor[]? _meanStd; // an array, so RegisterComponents does not make it a persistent buffer

    /// <summary>Creates an encoder for images of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public VisionEncoder(int height, int width, int outputDim, int keypoints = 32, ResNetNorm norm = ResNetNorm.GroupNorm, int baseWidth = 64,
        double[]? imageMean = null, double[]? imageStd = null)
        : base(nameof(VisionEncoder))
    {
        if (imageMean is not null && imageStd is not null)
        {
            _meanStd = [
                tensor(imageMean.Select(v => (float)v).ToArray(), [1, 3, 1, 1]).DetachFromDisposeScope(),
                tensor(imageStd.Select(v => (float)v).ToArray(), [1, 3, 1, 1]).DetachFromDisposeScope()];
            register_buffer("image_mean", _meanStd[0], persistent: false);
            register_buffer("image_std", _meanStd[1], persistent: false);
        }
        backbone = new ResNet18(numClasses: 0, norm, baseWidth);
        var (h, w) = FeatureMapSize(height, width);
        pool = new SpatialSoftmax(backbone.FeatureChannels, h, w, keypoints);
        out_proj = nn.Linear(pool.OutputDim, outputDim);
        OutputDim = outputDim;
        RegisterComponents();
    }

    /// <summary>Feature width.</summary>
    public int OutputDim { get; }

    /// <summary>The backbone (its own learning rate in some policies).</summary>
    public ResNet18 Backbone => backbone;

    /// <summary>Size of ResNet18's last feature map for an input size (four stages).</summary>
    public static (int Height, int Width) FeatureMapSize(int height, int width) => ResNet18.FeatureMapSize(height, width);

    /// <inheritdoc />
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var normalized = _meanStd is null ? ImageTensors.NormalizeImageNet(images) : (images - _meanStd[0]) / _meanStd[1];
        var features = backbone.Features(normalized);
        return nn.functional.relu(out_proj.call(pool.call(features))).MoveToOuterDisposeScope();
    }
}
