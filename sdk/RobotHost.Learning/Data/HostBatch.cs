using RobotHost.Learning.Policies;
using static TorchSharp.torch;

namespace RobotHost.Learning.Data;

/// <summary>
/// A collated, normalised, augmented batch in managed memory, built on a loader thread; the training thread turns it
/// into tensors with <see cref="ToTensors"/> (one copy each), so no tensor is created off the training thread.
/// </summary>
public sealed class HostBatch
{
    /// <summary>Training step this batch belongs to.</summary>
    public required long Step { get; init; }
    /// <summary>Samples.</summary>
    public required int Size { get; init; }
    /// <summary>Observation frames per sample.</summary>
    public required int ObservationSteps { get; init; }
    /// <summary>Action horizon.</summary>
    public required int ActionHorizon { get; init; }
    /// <summary>State, [B, n_obs, D] flattened, or null.</summary>
    public float[]? State { get; init; }
    /// <summary>State width.</summary>
    public int StateDim { get; init; }
    /// <summary>Images by key, [B, n_obs, 3, H, W] flattened.</summary>
    public required IReadOnlyDictionary<string, (float[] Pixels, int Height, int Width)> Images { get; init; }
    /// <summary>Actions, [B, horizon, A] flattened.</summary>
    public required float[] Action { get; init; }
    /// <summary>Action width.</summary>
    public required int ActionDim { get; init; }
    /// <summary>Padding mask, [B, horizon].</summary>
    public required bool[] ActionIsPad { get; init; }
    /// <summary>Global frame indices of the samples (for tests and debugging).</summary>
    public required long[] Indices { get; init; }

    /// <summary>Copies the batch into tensors on <paramref name="device"/> (in the caller's dispose scope).</summary>
    public PolicyBatch ToTensors(Device device)
    {
        var images = new Dictionary<string, Tensor>();
        foreach (var (key, (pixels, h, w)) in Images)
            images[key] = tensor(pixels, [Size, ObservationSteps, 3, h, w]).to(device);
        return new PolicyBatch
        {
            Size = Size,
            State = State is null ? null : tensor(State, [Size, ObservationSteps, StateDim]).to(device),
            Images = images,
            Action = tensor(Action, [Size, ActionHorizon, ActionDim]).to(device),
            ActionIsPad = tensor(ActionIsPad, [Size, ActionHorizon]).to(device),
        };
    }
}
