using static TorchSharp.torch;

namespace RobotHost.Learning.Policies;

/// <summary>
/// A collated batch as the model sees it, already normalised. Tensors belong to the caller's dispose scope.
/// Shapes: state [B, n_obs, state_dim]; each camera [B, n_obs, 3, H, W] with values in [0, 1];
/// action [B, horizon, action_dim] and action_is_pad [B, horizon] (true where the window ran past the episode end).
/// At inference only the observation part is set.
/// </summary>
public sealed class PolicyBatch
{
    /// <summary>Normalised state history, or null without state.</summary>
    public Tensor? State { get; init; }

    /// <summary>Images by feature key, in the order of <see cref="PolicyFeatures.Images"/>.</summary>
    public IReadOnlyDictionary<string, Tensor> Images { get; init; } = new Dictionary<string, Tensor>();

    /// <summary>Normalised target actions (training only).</summary>
    public Tensor? Action { get; init; }

    /// <summary>Padding mask of <see cref="Action"/> (training only).</summary>
    public Tensor? ActionIsPad { get; init; }

    /// <summary>Samples in the batch.</summary>
    public required int Size { get; init; }

    /// <summary>The target actions, or an error saying the batch is an observation-only batch.</summary>
    public Tensor RequireAction() => Action ?? throw new InvalidOperationException("this batch has no actions: ComputeLoss needs a training batch");

    /// <summary>The padding mask, or all-false when absent.</summary>
    public Tensor RequireActionIsPad() => ActionIsPad ?? zeros(RequireAction().shape[0], RequireAction().shape[1], dtype: ScalarType.Bool, device: RequireAction().device);
}
