namespace RobotHost.Sdk;

/// <summary>
/// Optional capability of a policy that predicts chunks of future actions. An executor that runs inference while
/// the previous chunk is still executing (asynchronous chunks, real-time chunking) feeds every tick's observation
/// with <see cref="Observe"/> and asks for a chunk with <see cref="PredictChunk"/> only when it starts an inference.
/// <see cref="IPolicy.SelectAction"/> keeps working as before; do not mix the two within an episode.
/// </summary>
public interface IChunkPolicy : IPolicy
{
    /// <summary>Actions in one predicted chunk, the first meant for the tick whose observation was observed last.</summary>
    int ChunkLength { get; }

    /// <summary>Actions executed from each chunk before the next inference starts, unless the executor is told otherwise (n_action_steps).</summary>
    int ExecutionHorizon { get; }

    /// <summary>Actions <see cref="IPolicy.SelectAction"/> still holds from its last prediction; 0 means its next call runs the model.</summary>
    int QueuedActions { get; }

    /// <summary>True when <see cref="PredictChunk"/> accepts a <see cref="ChunkGuidance"/> (real-time chunking).</summary>
    bool SupportsGuidance { get; }

    /// <summary>Appends the observation of this tick to the policy's observation history without predicting.</summary>
    void Observe(Observation observation);

    /// <summary>
    /// A chunk of <see cref="ChunkLength"/> actions from the latest observed observation on. With
    /// <paramref name="guidance"/>, the chunk starts with exactly <see cref="ChunkGuidance.Frozen"/> of the previous
    /// chunk's actions and is steered to agree with the rest of them where the two overlap.
    /// </summary>
    IReadOnlyList<float[]> PredictChunk(ChunkGuidance? guidance = null);
}

/// <summary>What the chunk being predicted must agree with.</summary>
/// <param name="Previous">The previous chunk's actions not executed when this inference starts, first one first (aligned with the new chunk's first action).</param>
/// <param name="Frozen">How many of them execute while the inference runs (the delay in ticks): the new chunk starts with exactly these.</param>
public sealed record ChunkGuidance(IReadOnlyList<float[]> Previous, int Frozen);
