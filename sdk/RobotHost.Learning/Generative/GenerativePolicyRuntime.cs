using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;

namespace RobotHost.Learning.Generative;

/// <summary>
/// <see cref="PolicyRuntime"/> for a sampling policy: every <see cref="Reset"/> also restarts the model's noise
/// generator from its seed, so the same checkpoint, seed and observations give the same actions run after run.
/// </summary>
public sealed class GenerativePolicyRuntime : PolicyRuntime
{
    private readonly GenerativePolicyModel _model;

    /// <summary>Wraps a trained model as a policy that serves <paramref name="options"/>.ActionSteps actions per sample.</summary>
    public GenerativePolicyRuntime(string policyType, GenerativePolicyModel model, FeatureNormalizer normalizer, PolicyRuntimeOptions options)
        : base(policyType, model, normalizer, options)
    {
        _model = model;
        _model.ReseedSampling();
    }

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        _model.ReseedSampling();
    }
}
