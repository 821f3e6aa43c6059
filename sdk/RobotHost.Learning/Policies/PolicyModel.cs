using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Policies;

/// <summary>
/// The network of a trainable policy. The shared machinery (data windows, normalisation, trainer, checkpoints,
/// <see cref="PolicyRuntime"/>) needs only what is declared here; Diffusion and flow matching derive from it too.
/// </summary>
public abstract class PolicyModel : nn.Module
{
    /// <summary>Creates the model for <paramref name="features"/>.</summary>
    protected PolicyModel(string name, PolicyFeatures features) : base(name) => Features = features;

    /// <summary>What the model reads and writes.</summary>
    public PolicyFeatures Features { get; }

    /// <summary>Observation frames the model reads per decision, oldest first, ending at the current frame (1 for ACT and MLP).</summary>
    public virtual int ObservationSteps => 1;

    /// <summary>Frame offsets of the training action targets relative to the current frame (default 0 … horizon − 1).</summary>
    public virtual IReadOnlyList<int> ActionOffsets => Enumerable.Range(0, ActionHorizon).ToList();

    /// <summary>Actions per training target and per prediction.</summary>
    public abstract int ActionHorizon { get; }

    /// <summary>Delta timestamps in seconds per dataset key, for <see cref="Sdk.IDatasetReader.GetWindow"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> DeltaTimestamps()
    {
        var obs = Enumerable.Range(0, ObservationSteps).Select(i => (double)(i - ObservationSteps + 1) / Features.Fps).ToList();
        var result = new Dictionary<string, IReadOnlyList<double>>
        {
            [Features.Action.Key] = ActionOffsets.Select(o => (double)o / Features.Fps).ToList(),
        };
        if (Features.State is not null) result[Features.State.Key] = obs;
        foreach (var image in Features.Images) result[image.Key] = obs;
        return result;
    }

    /// <summary>The training loss of a batch (call in train mode inside the step's dispose scope).</summary>
    public abstract PolicyLoss ComputeLoss(PolicyBatch batch);

    /// <summary>
    /// Normalised actions to execute from the current step on, [B, n, action_dim] (n ≥ 1), for an observation-only batch.
    /// Called under no_grad in eval mode.
    /// </summary>
    public abstract Tensor PredictActionChunk(PolicyBatch observation);

    /// <summary>Actions one <see cref="PredictActionChunk(PolicyBatch)"/> returns (from the current step on).</summary>
    public virtual int ChunkLength => ActionHorizon;

    /// <summary>True when <see cref="PredictActionChunk(PolicyBatch, ActionPrefix)"/> can guide a chunk toward a previous one.</summary>
    public virtual bool SupportsGuidance => false;

    /// <summary>
    /// How <see cref="PredictActionChunk(PolicyBatch, ActionPrefix)"/> makes a chunk continue the previous one:
    /// <c>guidance</c> (sampling steered toward it), <c>conditioning</c> (a network trained with committed prefixes
    /// takes them as input), or null when the model cannot.
    /// </summary>
    public virtual string? RealTimeChunkingMethod => SupportsGuidance ? "guidance" : null;

    /// <summary>
    /// Like <see cref="PredictActionChunk(PolicyBatch)"/>, but the chunk starts with exactly <see cref="ActionPrefix.Frozen"/>
    /// actions of <paramref name="prefix"/> and is guided to agree with the rest of it (real-time chunking).
    /// </summary>
    /// <exception cref="NotSupportedException">The model cannot guide its sampling (<see cref="SupportsGuidance"/> is false).</exception>
    public virtual Tensor PredictActionChunk(PolicyBatch observation, ActionPrefix prefix) =>
        throw new NotSupportedException($"{GetType().Name} cannot guide a chunk toward the previous one");

    /// <summary>
    /// Parameter groups with their learning rates (e.g. a backbone at <see cref="PolicyConfig.LrBackbone"/>).
    /// Default: one group of every trainable parameter at <see cref="PolicyConfig.Lr"/>.
    /// </summary>
    public virtual IReadOnlyList<ParameterGroup> ParameterGroups(PolicyConfig config) =>
        [new ParameterGroup("all", parameters().Where(p => p.requires_grad).ToList(), config.Lr)];
}

/// <summary>The previous chunk's actions a new chunk must agree with, normalised.</summary>
/// <param name="Actions">[B, n, action_dim], aligned with the new chunk's first action.</param>
/// <param name="Frozen">How many of them the new chunk starts with exactly (they execute while it is predicted).</param>
public sealed record ActionPrefix(Tensor Actions, int Frozen);

/// <summary>Parameters trained at one learning rate.</summary>
/// <param name="Name">For the log.</param>
/// <param name="Parameters">Parameters.</param>
/// <param name="Lr">Peak learning rate.</param>
public sealed record ParameterGroup(string Name, IReadOnlyList<TorchSharp.Modules.Parameter> Parameters, double Lr);
