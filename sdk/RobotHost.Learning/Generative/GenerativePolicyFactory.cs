using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;

namespace RobotHost.Learning.Generative;

/// <summary>
/// What the generative policy families (diffusion, flow matching) share: presets <c>paper</c> (the config's defaults)
/// and <c>small</c>, and a <see cref="GenerativePolicyRuntime"/> that samples a chunk and executes n_action_steps of it.
/// A family supplies its key, its small preset and its model.
/// </summary>
public abstract class GenerativePolicyFactory<TConfig> : TrainablePolicyFactory<TConfig> where TConfig : GenerativePolicyConfig, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Presets { get; } = ["paper", "small"];

    /// <summary>The CPU preset of this family.</summary>
    protected abstract TConfig SmallPreset { get; }

    /// <inheritdoc />
    public override TConfig CreateConfig(string? preset) => preset switch
    {
        null or "paper" => new TConfig(),
        "small" => SmallPreset,
        _ => throw new RobotHostException($"policy '{PolicyType}' has no preset '{preset}'; presets: {string.Join(", ", Presets)}"),
    };

    /// <inheritdoc />
    public override IPolicy CreatePolicy(PolicyModel model, PolicyConfig config, FeatureNormalizer normalizer)
    {
        var generative = (TConfig)config;
        return new GenerativePolicyRuntime(PolicyType, (GenerativePolicyModel)model, normalizer,
            new PolicyRuntimeOptions { Device = generative.Device, ActionSteps = generative.NActionSteps, CpuThreads = generative.InferenceThreads },
            generative.RealTimeChunking());
    }
}
