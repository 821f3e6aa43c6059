using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;

namespace RobotHost.Learning.Generative;

/// <summary>
/// <see cref="PolicyRuntime"/> for a sampling policy: every <see cref="Reset"/> also reseeds the model's noise generator
/// from libtorch's global generator. Episodes therefore draw different noise — a multimodal policy passes left in some
/// and right in others, as its demonstrations did — while a caller that seeds the global generator per episode (the
/// evaluator does, with the episode's seed) gets the same actions run after run.
/// </summary>
/// <remarks>
/// Reseeding from a fixed constant at every reset (the first design) made every episode sample the same noise: a
/// diffusion policy trained on 50/50 left/right demonstrations passed left in 100 of 100 evaluation episodes.
/// </remarks>
public sealed class GenerativePolicyRuntime : PolicyRuntime
{
    private readonly GenerativePolicyModel _model;
    private readonly int? _executionHorizon;

    /// <summary>
    /// Wraps a trained model as a policy that serves <paramref name="options"/>.ActionSteps actions per sample;
    /// <paramref name="realTimeChunking"/> gives the execution horizon an asynchronous executor uses by default.
    /// </summary>
    public GenerativePolicyRuntime(string policyType, GenerativePolicyModel model, FeatureNormalizer normalizer, PolicyRuntimeOptions options,
        RealTimeChunkingConfig? realTimeChunking = null)
        : base(policyType, model, normalizer, options)
    {
        _model = model;
        _model.ReseedSampling();
        _executionHorizon = realTimeChunking?.ExecutionHorizon;
    }

    /// <inheritdoc />
    public override int ExecutionHorizon => _executionHorizon is { } s && s > 0 ? s : base.ExecutionHorizon;

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        _model.ReseedSampling(TorchSharp.torch.randint(0, long.MaxValue, [1], dtype: TorchSharp.torch.int64).item<long>());
    }
}
