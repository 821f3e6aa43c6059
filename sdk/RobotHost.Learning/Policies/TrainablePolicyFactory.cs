using Microsoft.Extensions.Logging;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Normalization;
using RobotHost.Sdk;

namespace RobotHost.Learning.Policies;

/// <summary>
/// The usual shape of a trainable policy family: presets, a model per config, and checkpoint loading done once here
/// (config.json → config and features, model.safetensors → weights, normalization.json → stats, → <see cref="PolicyRuntime"/>).
/// </summary>
/// <typeparam name="TConfig">The policy's sealed config record.</typeparam>
public abstract class TrainablePolicyFactory<TConfig> : ITrainablePolicyFactory where TConfig : PolicyConfig, new()
{
    /// <inheritdoc />
    public abstract string PolicyType { get; }

    /// <inheritdoc />
    public Type ConfigType => typeof(TConfig);

    /// <inheritdoc />
    public abstract IReadOnlyList<string> Presets { get; }

    /// <summary>The config of a preset; null or <c>paper</c> gives the published defaults.</summary>
    public abstract TConfig CreateConfig(string? preset);

    ComponentConfig IPolicyFactory.CreateConfig(string? preset) => CreateConfig(preset);

    /// <summary>Creates the model for a config.</summary>
    protected abstract PolicyModel CreateModel(TConfig config, PolicyFeatures features);

    /// <summary>How the runtime serves actions for a config (chunk queue or temporal ensembling).</summary>
    protected virtual PolicyRuntimeOptions RuntimeOptions(TConfig config) => new() { Device = config.Device };

    /// <inheritdoc />
    public virtual PolicyFeatures SelectFeatures(PolicyConfig config, DatasetSchema schema) =>
        PolicyFeatures.FromSchema(schema, config.Cameras, config.UseState);

    /// <inheritdoc />
    public PolicyModel CreateModel(PolicyConfig config, PolicyFeatures features) => CreateModel(Typed(config), features);

    /// <inheritdoc />
    public virtual IPolicy CreatePolicy(PolicyModel model, PolicyConfig config, FeatureNormalizer normalizer) =>
        new PolicyRuntime(PolicyType, model, normalizer, RuntimeOptions(Typed(config)) with { CpuThreads = config.InferenceThreads });

    /// <inheritdoc />
    public IPolicy Load(string checkpointDirectory, IPluginContext context)
    {
        TorchRuntime.Initialize(); // the first tensor of an evaluation or rollout comes from here
        var directory = PolicyCheckpoint.Resolve(checkpointDirectory);
        var config = PolicyCheckpoint.ReadConfig(directory, typeof(TConfig), out var features);
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException($"{Path.Combine(directory, PolicyCheckpoint.ConfigFile)} is invalid: {string.Join("; ", problems)}");
        var model = CreateModel(config, features);
        try
        {
            ModuleWeights.Load(model, Path.Combine(directory, PolicyCheckpoint.ModelFile), strict: true,
                logger: context.LoggerFactory.CreateLogger(GetType()));
            return CreatePolicy(model, config, FeatureNormalizer.Load(directory));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private TConfig Typed(PolicyConfig config) => config as TConfig
        ?? throw new RobotHostException($"policy '{PolicyType}' takes a {typeof(TConfig).Name}, not a {config.GetType().Name}");
}
