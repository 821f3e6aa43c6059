using RobotHost.Learning.Modules;
using RobotHost.Learning.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Plugins.Policies.Mlp;

/// <summary>State (+ per-camera ResNet18 keypoint features) → MLP → a chunk of actions; masked MSE.</summary>
public sealed class MlpModel : PolicyModel
{
    private readonly ModuleList<VisionEncoder> image_encoders;
    private readonly Sequential mlp;
    private readonly int _chunk;

    /// <summary>Creates the network for <paramref name="features"/>.</summary>
    public MlpModel(MlpConfig config, PolicyFeatures features) : base(nameof(MlpModel), features)
    {
        _chunk = config.ChunkSize;
        image_encoders = new ModuleList<VisionEncoder>();
        for (var i = 0; i < features.Images.Count; i++)
        {
            var (h, w) = features.ImageSize(i);
            image_encoders.Add(new VisionEncoder(h, w, config.ImageFeatureDim, config.SpatialKeypoints, ResNetNorm.GroupNorm, config.VisionBackboneWidth));
        }
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long width = features.StateDim + features.Images.Count * config.ImageFeatureDim;
        foreach (var hidden in config.HiddenDims)
        {
            layers.Add(nn.Linear(width, hidden));
            layers.Add(nn.ReLU());
            if (config.Dropout > 0) layers.Add(nn.Dropout(config.Dropout));
            width = hidden;
        }
        layers.Add(nn.Linear(width, (long)_chunk * features.ActionDim));
        mlp = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int ActionHorizon => _chunk;

    /// <inheritdoc />
    public override PolicyLoss ComputeLoss(PolicyBatch batch)
    {
        var predicted = Predict(batch);
        var target = batch.RequireAction();
        var valid = batch.RequireActionIsPad().logical_not().unsqueeze(-1).to(predicted.dtype);
        var squared = (predicted - target).pow(2) * valid;
        var loss = squared.sum() / (valid.sum() * Features.ActionDim).clamp_min(1);
        return new PolicyLoss(loss, new Dictionary<string, double> { ["mse"] = loss.item<float>() });
    }

    /// <inheritdoc />
    public override Tensor PredictActionChunk(PolicyBatch observation) => Predict(observation);

    private Tensor Predict(PolicyBatch batch)
    {
        var inputs = new List<Tensor>();
        if (batch.State is not null) inputs.Add(batch.State[.., -1]);
        for (var i = 0; i < Features.Images.Count; i++)
            inputs.Add(image_encoders[i].call(batch.Images[Features.Images[i].Key][.., -1]));
        var x = inputs.Count == 1 ? inputs[0] : cat(inputs, 1);
        return mlp.call(x).view(batch.Size, _chunk, Features.ActionDim);
    }
}
