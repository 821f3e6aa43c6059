using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;

namespace RobotHost.Plugins.Policies.FlowMatching;

/// <summary>The <c>flow_matching</c> policy family: presets <c>paper</c> (default) and <c>small</c> (a 2-core CPU in minutes).</summary>
public sealed class FlowMatchingPolicyFactory : GenerativePolicyFactory<FlowMatchingConfig>
{
    /// <summary>Registered key.</summary>
    public const string Key = "flow_matching";

    /// <inheritdoc />
    public override string PolicyType => Key;

    /// <summary>The CPU preset: the same network as Diffusion's small preset, 10 Euler steps.</summary>
    public static FlowMatchingConfig Small { get; } = new()
    {
        DownDims = [32, 64, 128],
        StepEmbedDim = 64,
        SpatialKeypoints = 16,
        VisionBackboneWidth = 16,
        Lr = 1e-3,
        WarmupSteps = 100,
        BatchSize = 64,
    };

    /// <inheritdoc />
    protected override FlowMatchingConfig SmallPreset => Small;

    /// <inheritdoc />
    protected override PolicyModel CreateModel(FlowMatchingConfig config, PolicyFeatures features) => new FlowMatchingModel(config, features);
}
