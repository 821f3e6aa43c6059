namespace RobotHost.Learning.Training;

/// <summary>Run-level settings of a <see cref="PolicyTrainer"/> (the network and optimiser come from the policy config).</summary>
public sealed record TrainerOptions
{
    /// <summary>Seed of weight initialisation, data order, dropout and latent noise.</summary>
    public long Seed { get; init; } = 1000;

    /// <summary>Steps of the whole run (the cosine schedule ends here).</summary>
    public long TotalSteps { get; init; } = 1000;

    /// <summary>Batches built ahead of the training step.</summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>
    /// Sampling weight of every frame (length = the dataset's frames; 0 leaves a frame out), or null to sample frames
    /// uniformly. Set from the frames' <c>source</c> to weight demonstrations, DAgger labels and takeovers.
    /// </summary>
    public IReadOnlyList<double>? FrameWeights { get; init; }

    /// <summary>
    /// Steps of every frame's action chunk that are labels (the rest is masked out of the loss like padding), or null
    /// for whole chunks. Corrections use it: after a tick the policy drove, later labels lie on a path the labeller
    /// did not take.
    /// </summary>
    public IReadOnlyList<int>? LabelSteps { get; init; }
}
