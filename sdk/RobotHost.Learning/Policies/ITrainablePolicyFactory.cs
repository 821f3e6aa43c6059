using RobotHost.Learning.Normalization;
using RobotHost.Sdk;

namespace RobotHost.Learning.Policies;

/// <summary>
/// A policy family the host can train: the <see cref="IPolicyFactory"/> registered under its key that also creates
/// an untrained model from a config and a dataset's features, and wraps a model as an <see cref="IPolicy"/>.
/// </summary>
public interface ITrainablePolicyFactory : IPolicyFactory
{
    /// <summary>The registered key written to config.json as <c>policy_type</c> (e.g. <c>act</c>).</summary>
    string PolicyType { get; }

    /// <summary>The features this config uses from a dataset (cameras, state, action).</summary>
    PolicyFeatures SelectFeatures(PolicyConfig config, DatasetSchema schema);

    /// <summary>A freshly initialised model (parameters on the CPU; the trainer moves it to the device).</summary>
    PolicyModel CreateModel(PolicyConfig config, PolicyFeatures features);

    /// <summary>A ready policy around a trained model and its normalisation.</summary>
    IPolicy CreatePolicy(PolicyModel model, PolicyConfig config, FeatureNormalizer normalizer);
}
