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
}
