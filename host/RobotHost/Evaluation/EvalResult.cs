namespace RobotHost.Evaluation;

/// <summary>The numbers of one evaluation, and the files written.</summary>
public sealed record EvalResult
{
    /// <summary>Name of the evaluated policy (label or policy type).</summary>
    public required string Label { get; init; }

    /// <summary>Policy type key.</summary>
    public required string PolicyType { get; init; }

    /// <summary>Checkpoint folder, when loaded from one.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>The further checkpoint folders averaged with <see cref="Checkpoint"/> (an ensemble); empty for one policy.</summary>
    public IReadOnlyList<string> Ensemble { get; init; } = [];

    /// <summary>Environment key.</summary>
    public required string Env { get; init; }

    /// <summary>Seed of the first rollout.</summary>
    public required int Seed { get; init; }

    /// <summary>How chunks were executed: <c>sync</c>, <c>async</c> or <c>rtc</c>.</summary>
    public string ChunkExecution { get; init; } = "sync";

    /// <summary>
    /// With <c>rtc</c>, how each new chunk was made to continue the executing one: <c>guidance</c> (sampling steered
    /// toward it) or <c>conditioning</c> (a model trained with <c>rtc_training_max_delay</c> given its committed
    /// actions); null otherwise.
    /// </summary>
    public string? RtcMethod { get; init; }

    /// <summary>The simulated inference delay in milliseconds (<c>0</c>, <c>150</c>, <c>uniform:100-200</c>).</summary>
    public string InferenceDelayMs { get; init; } = "0";

    /// <summary>Every rollout in order.</summary>
    public required IReadOnlyList<EpisodeOutcome> Episodes { get; init; }

    /// <summary>Rollouts.</summary>
    public int EpisodeCount => Episodes.Count;

    /// <summary>Successful rollouts.</summary>
    public int Successes => Episodes.Count(e => e.Success);

    /// <summary>Successes / rollouts.</summary>
    public double SuccessRate => Episodes.Count == 0 ? 0 : (double)Successes / Episodes.Count;

    /// <summary>95% Wilson interval of the success rate.</summary>
    public WilsonInterval Interval => WilsonInterval.Of(Successes, Episodes.Count);

    /// <summary>Mean over rollouts of the highest reward reached.</summary>
    public double AverageMaxReward => Episodes.Count == 0 ? 0 : Episodes.Average(e => e.MaxReward);

    /// <summary>Mean rollout length in steps.</summary>
    public double MeanLength => Episodes.Count == 0 ? 0 : Episodes.Average(e => e.Steps);

    /// <summary>Mean length of the successful rollouts (how fast the task gets done), or null with none.</summary>
    public double? MeanSuccessLength => Successes == 0 ? null : Episodes.Where(e => e.Success).Average(e => e.Steps);

    /// <summary>Rollouts in which the policy produced an invalid action (NaN, out of range, wrong size).</summary>
    public int InvalidActionEpisodes => Episodes.Count(e => e.InvalidAction is not null);

    /// <summary>Rollouts that collided, or null when the environment does not report collisions.</summary>
    public int? Collisions => Episodes.Any(e => e.Info.ContainsKey("collisions")) ? Episodes.Count(e => e.Collided) : null;

    /// <summary>Ticks the robot held while waiting for a chunk, over all rollouts.</summary>
    public int HeldTicks => Episodes.Sum(e => e.HeldTicks);

    /// <summary>Action steps and jerk at chunk boundaries against within chunks, pooled over rollouts.</summary>
    public ActionSmoothness Smoothness => ActionSmoothness.Pool(Episodes.Select(e => e.Smoothness));

    /// <summary>Success per condition, in condition order.</summary>
    public IReadOnlyList<ConditionSummary> ByCondition => Episodes
        .GroupBy(e => e.Condition)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g =>
        {
            var n = g.Count();
            var s = g.Count(e => e.Success);
            return new ConditionSummary(g.Key, n, s, (double)s / n, WilsonInterval.Of(s, n), g.Average(e => e.Steps));
        })
        .ToList();

    /// <summary>Wall-clock duration of the evaluation in seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>Files written (JSON, plots, videos), by kind.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>One line: <c>act on pick_place: 45/50 = 90% [79%, 96%]</c>.</summary>
    public override string ToString() =>
        $"{Label} on {Env}: {Successes}/{EpisodeCount} = {SuccessRate:P0} {Interval}, avg max reward {AverageMaxReward:F2}, mean length {MeanLength:F0}";
}
