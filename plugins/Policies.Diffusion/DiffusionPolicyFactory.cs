using RobotHost.Learning.Normalization;
using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.Diffusion;

/// <summary>The <c>diffusion</c> policy family: presets <c>paper</c> (default) and <c>small</c> (a 2-core CPU in minutes).</summary>
public sealed class DiffusionPolicyFactory : TrainablePolicyFactory<DiffusionConfig>
{
    /// <summary>Registered key.</summary>
    public const string Key = "diffusion";

    /// <inheritdoc />
    public override string PolicyType => Key;

    /// <inheritdoc />
    public override IReadOnlyList<string> Presets { get; } = ["paper", "small"];

    /// <inheritdoc />
    public override DiffusionConfig CreateConfig(string? preset) => preset switch
    {
        null or "paper" => new DiffusionConfig(),
        "small" => Small,
        _ => throw new RobotHostException($"policy '{Key}' has no preset '{preset}'; presets: {string.Join(", ", Presets)}"),
    };

    /// <summary>
    /// The CPU preset: a 64/128/256 U-Net, a width-16 ResNet18 with 16 keypoints per camera, higher learning rate
    /// and short warm-up for runs of a few thousand steps; the paper's horizons, schedule and DDIM-10 sampling.
    /// </summary>
    public static DiffusionConfig Small { get; } = new()
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
    protected override PolicyModel CreateModel(DiffusionConfig config, PolicyFeatures features) => new DiffusionModel(config, features);

    /// <inheritdoc />
    public override IPolicy CreatePolicy(PolicyModel model, PolicyConfig config, FeatureNormalizer normalizer)
    {
        var diffusion = (DiffusionConfig)config;
        return new GenerativePolicyRuntime(Key, (GenerativePolicyModel)model, normalizer,
            new PolicyRuntimeOptions { Device = diffusion.Device, ActionSteps = diffusion.NActionSteps });
    }
}
