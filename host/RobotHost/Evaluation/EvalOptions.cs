using RobotHost.Sdk;

namespace RobotHost.Evaluation;

/// <summary>
/// What to evaluate, where and how often. Give either a <see cref="Checkpoint"/> folder or a loaded <see cref="Policy"/>.
/// Episode <c>i</c> runs with seed <c>Seed + i</c>, so the same policy and seed give the same numbers.
/// </summary>
public sealed record EvalOptions
{
    /// <summary>
    /// First evaluation seed by default. Recording uses seeds from 0 upwards, so evaluation starts far away from them:
    /// the policy is scored on scenes it never saw (held-out seeds).
    /// </summary>
    public const int HeldOutSeedBase = 100_000;

    /// <summary>A checkpoint folder to load (weights, config, normalisation stats).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>
    /// Further checkpoint folders evaluated together with <see cref="Checkpoint"/> as one <see cref="PolicyEnsemble"/>
    /// (the mean of their actions every tick); empty for a single policy.
    /// </summary>
    public IReadOnlyList<string> Ensemble { get; init; } = [];

    /// <summary>A policy served by <c>robothost serve</c>; used instead of <see cref="Checkpoint"/>.</summary>
    public Remote.RemotePolicyOptions? PolicyServer { get; init; }

    /// <summary>A policy already loaded; used instead of <see cref="Checkpoint"/>. The evaluator does not dispose it.</summary>
    public IPolicy? Policy { get; init; }

    /// <summary>Environment key, e.g. <c>pick_place</c> or <c>obstacle_2d</c>.</summary>
    public string Env { get; init; } = "pick_place";

    /// <summary>Environment config as <c>key=value</c> options (cameras, image size…), as when recording.</summary>
    public IReadOnlyDictionary<string, string>? EnvOptions { get; init; }

    /// <summary>Number of rollouts.</summary>
    public int Episodes { get; init; } = 50;

    /// <summary>Seed of the first rollout; rollout <c>i</c> uses <c>Seed + i</c>.</summary>
    public int Seed { get; init; } = HeldOutSeedBase;

    /// <summary>Write an mp4 of the first K rollouts (from the observation cameras).</summary>
    public int Videos { get; init; }

    /// <summary>Folder for <c>eval.json</c>, plots and videos; null writes nothing.</summary>
    public string? OutputDir { get; init; }

    /// <summary>Step limit per rollout; null uses the environment's.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Write PNG plots into <see cref="OutputDir"/>.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>Per-element lower bound of a valid action (same order as the action names); null for no bound.</summary>
    public float[]? ActionLow { get; init; }

    /// <summary>Per-element upper bound of a valid action; null for no bound.</summary>
    public float[]? ActionHigh { get; init; }

    /// <summary>
    /// Any action element beyond ± this is garbage whatever the bounds say: joint targets are degrees or 0–100,
    /// planar positions are metres, so 10⁴ is far beyond anything a working policy outputs.
    /// </summary>
    public float ActionMagnitudeLimit { get; init; } = 1e4f;

    /// <summary>Observation value names drawn as x/y of trajectories; null finds names ending in x and y (obstacle_2d).</summary>
    public IReadOnlyList<string>? TrajectoryKeys { get; init; }

    /// <summary>How chunks execute while inference takes time: wait for each (sync), run inference ahead (async), or real-time chunking (rtc).</summary>
    public ChunkExecution ChunkExecution { get; init; } = ChunkExecution.Sync;

    /// <summary>Simulated inference latency, counted in control ticks (the simulator steps on meanwhile); none by default.</summary>
    public InferenceDelay InferenceDelay { get; init; } = InferenceDelay.None;

    /// <summary>Actions executed from each chunk before the next inference starts (async, rtc); null uses the policy's.</summary>
    public int? ExecutionHorizon { get; init; }

    /// <summary>Name in tables and plot titles; null uses the policy type.</summary>
    public string? Label { get; init; }

    /// <summary>Problems with these options, each naming the option and the fix.</summary>
    public IEnumerable<string> Validate()
    {
        if (Policy is null && PolicyServer is null && string.IsNullOrWhiteSpace(Checkpoint)) yield return "give a checkpoint folder (--checkpoint DIR), a policy server (--policy-server HOST:PORT) or a loaded policy";
        if (PolicyServer is not null && (Policy is not null || !string.IsNullOrWhiteSpace(Checkpoint)))
            yield return "give --checkpoint DIR or --policy-server HOST:PORT, not both (the server loads its own checkpoint)";
        if (string.IsNullOrWhiteSpace(Env)) yield return "env must name an environment, e.g. pick_place or obstacle_2d";
        if (Ensemble.Count > 0 && (Policy is not null || string.IsNullOrWhiteSpace(Checkpoint)))
            yield return "an ensemble is given as checkpoint folders (--checkpoint A --checkpoint B…), not with a loaded policy";
        if (Episodes < 1) yield return $"episodes must be at least 1, got {Episodes}";
        if (Videos < 0) yield return $"videos must be 0 or more, got {Videos}";
        if (MaxSteps is < 1) yield return $"max steps must be at least 1, got {MaxSteps}";
        if (Seed < 0 || (long)Seed + Episodes > int.MaxValue) yield return $"seed must be between 0 and {int.MaxValue - Episodes}, got {Seed}";
        if (ExecutionHorizon is < 1) yield return $"execution horizon must be at least 1 action (--execution-horizon N), got {ExecutionHorizon}";
        if (ActionMagnitudeLimit <= 0 || float.IsNaN(ActionMagnitudeLimit)) yield return "action magnitude limit must be positive";
    }
}
