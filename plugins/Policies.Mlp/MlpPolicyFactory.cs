using RobotHost.Learning.Policies;

namespace RobotHost.Plugins.Policies.Mlp;

/// <summary>The <c>mlp</c> policy family: presets <c>paper</c> (default) and <c>small</c> (CPU minutes).</summary>
public sealed class MlpPolicyFactory : TrainablePolicyFactory<MlpConfig>
{
    /// <summary>Registered key.</summary>
    public const string Key = "mlp";

    /// <inheritdoc />
    public override string PolicyType => Key;

    /// <inheritdoc />
    public override IReadOnlyList<string> Presets { get; } = ["paper", "small"];

    /// <inheritdoc />
    public override MlpConfig CreateConfig(string? preset) => preset switch
    {
        null or "paper" => new MlpConfig(),
        // Trains on a 2-core CPU in minutes: narrow ResNet18 (width 16) for cameras, two 256-wide layers.
        // Predicts 16 actions and executes 8, the action horizon of the diffusion and flow small presets, so a comparison
        // isolates the loss (a point estimate against a distribution), not the horizon.
        "small" => new MlpConfig { HiddenDims = [256, 256], ChunkSize = 16, NActionSteps = 8, VisionBackboneWidth = 16, ImageFeatureDim = 32, SpatialKeypoints = 16, BatchSize = 16, CropPadding = 4 },
        _ => throw new Sdk.RobotHostException($"policy 'mlp' has no preset '{preset}'; presets: {string.Join(", ", Presets)}"),
    };

    /// <inheritdoc />
    protected override PolicyModel CreateModel(MlpConfig config, PolicyFeatures features) => new MlpModel(config, features);

    /// <inheritdoc />
    protected override PolicyRuntimeOptions RuntimeOptions(MlpConfig config) => new() { Device = config.Device, ActionSteps = config.NActionSteps };
}
