using RobotHost.Evaluation;

namespace RobotHost.Corrections;

/// <summary>
/// What <see cref="DaggerRunner.Run"/> does: from a checkpoint (or a policy trained first on the demonstrations), for
/// each round roll the current policy out on the simulator with the expert's action executed with probability β, label
/// every visited state with the expert's action, aggregate those corrections with the demonstrations, fine-tune from the
/// last checkpoint and evaluate on held-out seeds. β of round r (1-based) is <see cref="Beta0"/>·<see cref="BetaDecay"/>^(r−1).
/// </summary>
public sealed record DaggerOptions
{
    /// <summary>First seed of the correction rollouts: far from recording (0…) and evaluation (100000…, 200000…) seeds.</summary>
    public const int CorrectionSeedBase = 300_000;

    /// <summary>The demonstrations (a dataset folder).</summary>
    public required string Dataset { get; init; }

    /// <summary>The policy to correct; null trains <see cref="Policy"/> on <see cref="Dataset"/> first for <see cref="InitialSteps"/>.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Policy key for the first training (when no <see cref="Checkpoint"/> is given).</summary>
    public string Policy { get; init; } = "act";

    /// <summary>Preset of the first training.</summary>
    public string? Preset { get; init; } = "small";

    /// <summary>Config overrides of the first training.</summary>
    public IReadOnlyDictionary<string, string> Set { get; init; } = new Dictionary<string, string>();

    /// <summary>Steps of the first training.</summary>
    public long InitialSteps { get; init; } = 1500;

    /// <summary>Environment key with a scripted expert (e.g. <c>pick_place</c>, <c>obstacle_2d</c>).</summary>
    public string Env { get; init; } = "pick_place";

    /// <summary>Environment options, as when recording the demonstrations (cameras, image size…).</summary>
    public IReadOnlyDictionary<string, string> EnvOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Correction rounds.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Rollouts labelled per round.</summary>
    public int EpisodesPerRound { get; init; } = 20;

    /// <summary>β of the first round: the probability that the expert's action is executed on a tick.</summary>
    public double Beta0 { get; init; } = 0.5;

    /// <summary>Factor applied to β from one round to the next.</summary>
    public double BetaDecay { get; init; } = 0.5;

    /// <summary>Seconds one β draw lasts (the expert or the policy drives for that long); 0 draws every tick.</summary>
    public double SegmentS { get; init; } = 1.0;

    /// <summary>Fine-tuning steps per round.</summary>
    public long FineTuneSteps { get; init; } = 500;

    /// <summary>Config overrides of the fine-tuning (e.g. <c>lr=5e-5</c>); the architecture comes from the checkpoint.</summary>
    public IReadOnlyDictionary<string, string> FineTuneSet { get; init; } = new Dictionary<string, string>();

    /// <summary>Sampling weight per frame source (<c>demo</c>, <c>dagger</c>…), as <c>robothost train --source-weight</c>.</summary>
    public IReadOnlyDictionary<string, string> SourceWeights { get; init; } = new Dictionary<string, string>();

    /// <summary>Held-out evaluation rollouts after each round (and of the starting policy).</summary>
    public int EvalEpisodes { get; init; } = 30;

    /// <summary>Seed of the first evaluation rollout.</summary>
    public int EvalSeed { get; init; } = EvalOptions.HeldOutSeedBase;

    /// <summary>Videos of the first K evaluation rollouts of each round.</summary>
    public int Videos { get; init; }

    /// <summary>Where corrections are written (LeRobot v3.0); null: <c>OutputDir/corrections</c>.</summary>
    public string? CorrectionsRoot { get; init; }

    /// <summary>Append to the corrections dataset when it exists (a new session of rounds); without it an existing one is an error.</summary>
    public bool Resume { get; init; }

    /// <summary>Output folder: one <c>round_N</c> folder per round (train, eval), <c>dagger.json</c>, <c>dagger.md</c>, <c>success_by_round.png</c>.</summary>
    public required string OutputDir { get; init; }

    /// <summary>Training seed (round r fine-tunes with <c>Seed + r</c>); also seeds the β-coin.</summary>
    public long Seed { get; init; } = 1000;

    /// <summary>Problems with these options, each naming the option and the fix.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) yield return "give the demonstrations with --dataset DIR";
        if (Rounds < 1) yield return $"rounds must be at least 1, got {Rounds}";
        if (EpisodesPerRound < 1) yield return $"episodes per round must be at least 1, got {EpisodesPerRound}";
        if (Beta0 is < 0 or > 1 || double.IsNaN(Beta0)) yield return $"beta0 must be between 0 and 1, got {Beta0}";
        if (BetaDecay is < 0 or > 1 || double.IsNaN(BetaDecay)) yield return $"beta decay must be between 0 and 1, got {BetaDecay}";
        if (SegmentS < 0 || double.IsNaN(SegmentS)) yield return $"segment seconds must be 0 or more, got {SegmentS}";
        if (FineTuneSteps < 1) yield return $"fine-tune steps must be at least 1, got {FineTuneSteps}";
        if (Checkpoint is null && InitialSteps < 1) yield return $"initial steps must be at least 1 when no --checkpoint is given, got {InitialSteps}";
        if (EvalEpisodes < 1) yield return $"evaluation episodes must be at least 1, got {EvalEpisodes}";
    }

    /// <summary>β of round <paramref name="round"/> (1-based).</summary>
    public double BetaOf(int round) => Beta0 * Math.Pow(BetaDecay, round - 1);
}
