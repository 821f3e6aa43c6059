using RobotHost.Learning.Generative;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.FlowMatching;

/// <summary>The <c>flow_matching</c> policy family: presets <c>paper</c> (default) and <c>small</c> (a 2-core CPU in minutes).</summary>
public sealed class FlowMatchingPolicyFactory : TrainablePolicyFactory<FlowMatchingConfig>
{
    /// <summary>Registered key.</summary>
    public const string Key = "flow_matching";

    /// <inheritdoc />
    public override string PolicyType => Key;

    /// <inheritdoc />
    public override IReadOnlyList<string> Presets { get; } = ["paper", "small"];

    /// <inheritdoc />
    public override FlowMatchingConfig CreateConfig(string? preset) => preset switch
    {
        null or "paper" => new FlowMatchingConfig(),
        "small" => Small,
        _ => throw new RobotHostException($"policy '{Key}' has no preset '{preset}'; presets: {string.Join(", ", Presets)}"),
    };

    /// <summary>The CPU preset: the same network as Diffusion's small preset, 10 Euler steps.</summary>
    public static FlowMatchingConfig Small { get; } = new()
    {
        DownDims = [64, 128, 256],
        StepEmbedDim = 64,
        SpatialKeypoints = 16,
        VisionBackboneWidth = 16,
        Lr = 1e-3,
        WarmupSteps = 100,
        BatchSize = 64,
    };

    /// <inheritdoc />
    protected override PolicyModel CreateModel(FlowMatchingConfig config, PolicyFeatures features) => new FlowMatchingModel(config, features);

    /// <inheritdoc />
    public override IPolicy CreatePolicy(PolicyModel model, PolicyConfig config, FeatureNormalizer normalizer)
    {
        var flow = (FlowMatchingConfig)config;
        return new GenerativePolicyRuntime(Key, (GenerativePolicyModel)model, normalizer,
            new PolicyRuntimeOptions { Device = flow.Device, ActionSteps = flow.NActionSteps });
    }
}
