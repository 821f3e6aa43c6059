namespace RobotHost.Sdk;

/// <summary>What a loaded policy consumes and produces.</summary>
/// <param name="PolicyType">Registered key, e.g. <c>act</c>.</param>
/// <param name="InputFeatures">State and image features it reads from observations.</param>
/// <param name="ActionFeature">The action vector it produces.</param>
/// <param name="Fps">Control rate of the data it was trained on.</param>
public sealed record PolicyInfo(string PolicyType, IReadOnlyList<FeatureSpec> InputFeatures, FeatureSpec ActionFeature, int Fps);

/// <summary>
/// A trained policy ready to act. Evaluation and rollouts need nothing policy-specific:
/// <see cref="Reset"/> at episode start, then one <see cref="SelectAction"/> per tick.
/// Tensors never cross this interface.
/// </summary>
public interface IPolicy : IDisposable
{
    /// <summary>Features and rate.</summary>
    PolicyInfo Info { get; }

    /// <summary>Clears action queues and temporal state at the start of an episode.</summary>
    void Reset();

    /// <summary>
    /// The action for this tick, in the order of <see cref="PolicyInfo.ActionFeature"/> names.
    /// Images are taken from <see cref="Observation.Images"/> by camera name.
    /// </summary>
    float[] SelectAction(Observation observation);
}

/// <summary>
/// A policy family registered under a key. Training lives in <c>RobotHost.Learning</c>
/// (a factory that also implements its <c>ITrainablePolicyFactory</c> can be trained by the host).
/// </summary>
public interface IPolicyFactory
{
    /// <summary>The sealed config record type of this policy.</summary>
    Type ConfigType { get; }

    /// <summary>Named presets this policy offers (e.g. <c>paper</c>, <c>small</c>).</summary>
    IReadOnlyList<string> Presets { get; }

    /// <summary>The config of a preset; null or "paper" gives the published defaults.</summary>
    ComponentConfig CreateConfig(string? preset);

    /// <summary>Loads a checkpoint folder (weights, config, normalisation stats) as a ready policy.</summary>
    IPolicy Load(string checkpointDirectory, IPluginContext context);
}
