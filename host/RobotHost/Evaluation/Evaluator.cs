using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Evaluation;

/// <summary>
/// Closed-loop evaluation on a simulated task: for each rollout <c>policy.Reset()</c>, <c>env.Reset(seed)</c>, then
/// <c>env.Step(policy.SelectAction(observation))</c> until the task is done or the step limit. Reports the success rate
/// with a 95% Wilson interval, the average max reward, success per condition and episode lengths, and writes
/// <c>eval.json</c>, plots and videos. Same policy and seed give the same numbers: rollout <c>i</c> resets the
/// environment and libtorch's generator with <c>Seed + i</c>.
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates a checkpoint (or <see cref="EvalOptions.Policy"/>) on the environment named by <see cref="EvalOptions.Env"/>.</summary>
    public static EvalResult Evaluate(HostSession session, EvalOptions options, IProgress<EvalProgress>? progress = null, CancellationToken cancel = default)
    {
        ThrowIfInvalid(options);
        var log = session.CreateLogger("RobotHost.Evaluation");
        using var environment = session.Catalog.CreateEnvironment(options.Env, options.EnvOptions);
        var policy = options.Policy ?? Training.PolicyLoader.Load(session,
            options.Checkpoint is null ? options.Ensemble : [options.Checkpoint, .. options.Ensemble], options.PolicyServer);
        try
        {
            return Evaluate(policy, environment, options, log, progress, cancel);
        }
        finally
        {
            if (options.Policy is null) policy.Dispose();
        }
    }

    /// <summary>Evaluates <paramref name="policy"/> on <paramref name="environment"/> (neither is disposed).</summary>
    public static EvalResult Evaluate(IPolicy policy, IEnvironment environment, EvalOptions options, ILogger? log = null, IProgress<EvalProgress>? progress = null, CancellationToken cancel = default)
    {
        ThrowIfInvalid(options);
        log ??= NullLogger.Instance;
        CheckCompatible(policy, environment, options);
        var label = options.Label ?? policy.Info.PolicyType;
        var maxSteps = options.MaxSteps ?? environment.MaxSteps;
        var actionNames = environment.ActionFeature.Names ?? Enumerable.Range(0, environment.ActionFeature.ElementCount).Select(i => $"action[{i}]").ToList();
        var guard = new ActionGuard(actionNames, options.ActionLow, options.ActionHigh, options.ActionMagnitudeLimit);
        var executor = new SimulatedChunkExecutor(policy, options.ChunkExecution, options.InferenceDelay, environment.Fps, options.ExecutionHorizon, actionNames);
        var trajectoryKeys = options.TrajectoryKeys ?? FindTrajectoryKeys(environment);
        string? videoDir = null;
        if (options.OutputDir is not null)
        {
            Directory.CreateDirectory(options.OutputDir);
            if (options.Videos > 0) Directory.CreateDirectory(videoDir = Path.Combine(options.OutputDir, "videos"));
        }

        log.LogInformation("evaluating {Label} on {Env}: {Episodes} rollouts from seed {Seed}, at most {MaxSteps} steps each, chunks {Execution}, inference delay {Delay} ms",
            label, options.Env, options.Episodes, options.Seed, maxSteps, options.ChunkExecution.Name(), options.InferenceDelay);
        var clock = Stopwatch.StartNew();
        var episodes = new List<EpisodeOutcome>(options.Episodes);
        var videos = new List<string>();
        for (var i = 0; i < options.Episodes; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var seed = options.Seed + i;
            var videoPath = videoDir is not null && i < options.Videos ? Path.Combine(videoDir, $"episode_{i:D3}_seed_{seed}.mp4") : null;
            var outcome = RunEpisode(policy, executor, environment, guard, actionNames, trajectoryKeys, i, seed, maxSteps, videoPath, log, cancel);
            if (videoPath is not null && File.Exists(videoPath)) videos.Add(videoPath);
            episodes.Add(outcome);
            if (outcome.InvalidAction is not null)
                log.LogWarning("rollout {Episode} (seed {Seed}) failed: invalid action at step {Step}: {Reason}; held the last valid action", i, seed, outcome.Steps, outcome.InvalidAction);
            else
                log.LogDebug("rollout {Episode} (seed {Seed}, {Condition}): {Result} in {Steps} steps, max reward {Reward:F2}", i, seed, outcome.Condition, outcome.Success ? "success" : "failure", outcome.Steps, outcome.MaxReward);
            progress?.Report(new EvalProgress(i + 1, options.Episodes, episodes.Count(e => e.Success), outcome));
        }

        var result = new EvalResult
        {
            Label = label,
            PolicyType = policy.Info.PolicyType,
            Checkpoint = options.Checkpoint is null ? null : Path.GetFullPath(options.Checkpoint),
            Ensemble = options.Ensemble.Select(Path.GetFullPath).ToList(),
            Env = options.Env,
            Seed = options.Seed,
            ChunkExecution = options.ChunkExecution.Name(),
            RtcMethod = options.ChunkExecution == ChunkExecution.Rtc ? RtcMethodOf(policy) : null,
            InferenceDelayMs = options.InferenceDelay.ToString(),
            Episodes = episodes,
            Seconds = clock.Elapsed.TotalSeconds,
        };
        if (options.OutputDir is not null) result = EvalReport.WriteFiles(result, options, videos);
        log.LogInformation("{Result}", result.ToString());
        return result;
    }

    /// <summary>How a policy continues the executing chunk under rtc: its model's method, else guidance (what <see cref="IChunkPolicy.PredictChunk"/> promises).</summary>
    private static string RtcMethodOf(IPolicy policy) => (policy as Learning.Policies.PolicyRuntime)?.RealTimeChunkingMethod ?? "guidance";

    private static EpisodeOutcome RunEpisode(IPolicy policy, SimulatedChunkExecutor executor, IEnvironment environment, ActionGuard guard, IReadOnlyList<string> actionNames,
        IReadOnlyList<string>? trajectoryKeys, int index, int seed, int maxSteps, string? videoPath, ILogger log, CancellationToken cancel)
    {
        (policy as ISeededPolicy)?.Seed(seed);
        policy.Reset();
        executor.Reset(seed);
        var executed = new List<float[]>();
        var newChunk = new List<bool>();
        var chunks = 0;
        var step = environment.Reset(seed);
        var condition = environment.Condition;
        var maxReward = step.Reward;
        var success = step.Success;
        var info = new Dictionary<string, float>();
        Merge(info, step.Info);
        var trajectory = new List<(float, float)>();
        AddPoint(trajectory, step.Observation, trajectoryKeys);
        string? invalid = null;
        float[]? lastValid = null;
        var steps = 0;
        using var video = videoPath is null ? null : RolloutVideoWriter.For(step.Observation, videoPath, environment.Fps);
        if (videoPath is not null && video is null) log.LogWarning("no camera images in {Env} observations: no video for rollout {Episode}", environment.TaskName, index);
        video?.Write(step.Observation);
        while (!step.Done && steps < maxSteps)
        {
            cancel.ThrowIfCancellationRequested();
            float[]? action;
            var fromNewChunk = false;
            try
            {
                var next = executor.Next(step.Observation);
                action = next.Action;
                fromNewChunk = next.NewChunk;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A policy that throws on one observation is a garbage output too: fail the rollout, keep the evaluation going.
                log.LogDebug(e, "policy threw at step {Step}", steps);
                action = null;
                invalid = $"policy threw {e.GetType().Name}: {e.Message}";
            }
            invalid ??= guard.Check(action);
            if (invalid is not null)
            {
                // Hold position: repeat the last valid action (or the present joint values) for one tick, then stop this rollout.
                var hold = lastValid ?? HoldAction(step.Observation, actionNames);
                if (hold is not null)
                {
                    step = environment.Step(hold);
                    steps++;
                    video?.Write(step.Observation);
                    AddPoint(trajectory, step.Observation, trajectoryKeys);
                }
                break;
            }
            lastValid = action!;
            executed.Add(action!);
            if (fromNewChunk) chunks++;
            newChunk.Add(fromNewChunk && chunks > 1);
            step = environment.Step(action);
            steps++;
            maxReward = Math.Max(maxReward, step.Reward);
            success |= step.Success;
            Merge(info, step.Info);
            AddPoint(trajectory, step.Observation, trajectoryKeys);
            video?.Write(step.Observation);
        }
        video?.Finish();
        return new EpisodeOutcome
        {
            Episode = index,
            Seed = seed,
            Condition = condition,
            Success = success && invalid is null,
            Steps = steps,
            MaxReward = maxReward,
            InvalidAction = invalid,
            HeldTicks = executor.HeldTicks,
            Smoothness = ActionSmoothness.Of(executed, newChunk),
            Info = info,
            Trajectory = trajectory,
        };
    }

    private static void ThrowIfInvalid(EvalOptions options)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException("evaluation options: " + string.Join("; ", problems));
    }

    /// <summary>The policy must find its cameras and state in the environment's observations and produce its action size.</summary>
    private static void CheckCompatible(IPolicy policy, IEnvironment environment, EvalOptions options)
    {
        var provided = environment.ObservationFeatures.ToDictionary(f => f.Key);
        foreach (var needed in policy.Info.InputFeatures)
        {
            if (!provided.TryGetValue(needed.Key, out var have))
                throw new RobotHostException($"the policy reads '{needed.Key}' but {options.Env} observations have only {string.Join(", ", provided.Keys)}; " +
                                             "give the environment the same cameras as when recording (e.g. --env-option cameras=…)");
            if (needed.IsVisual && !needed.Shape.SequenceEqual(have.Shape))
                throw new RobotHostException($"the policy reads '{needed.Key}' at {string.Join("×", needed.Shape)} but {options.Env} renders it at {string.Join("×", have.Shape)}; " +
                                             "set the environment's image size as when recording");
        }
        if (policy.Info.ActionFeature.ElementCount != environment.ActionFeature.ElementCount)
            throw new RobotHostException($"the policy outputs {policy.Info.ActionFeature.ElementCount} action values but {options.Env} takes {environment.ActionFeature.ElementCount}; " +
                                         "was it trained on another task?");
    }

    /// <summary>Names ending in x and y (e.g. <c>agent.x</c>, <c>agent.y</c>) of the state, for the 2-D task's trajectory plot.</summary>
    private static IReadOnlyList<string>? FindTrajectoryKeys(IEnvironment environment)
    {
        var names = environment.ObservationFeatures.FirstOrDefault(f => f.Key == FeatureKeys.State)?.Names;
        if (names is null) return null;
        static bool Ends(string n, char c) => n.Length > 0 && char.ToLowerInvariant(n[^1]) == c && (n.Length == 1 || !char.IsLetter(n[^2]));
        var x = names.FirstOrDefault(n => Ends(n, 'x'));
        var y = names.FirstOrDefault(n => Ends(n, 'y'));
        return x is not null && y is not null ? [x, y] : null;
    }

    private static void AddPoint(List<(float, float)> trajectory, Observation observation, IReadOnlyList<string>? keys)
    {
        if (keys is null) return;
        if (observation.Values.TryGetValue(keys[0], out var x) && observation.Values.TryGetValue(keys[1], out var y)) trajectory.Add((x, y));
    }

    /// <summary>Position hold when no valid action was seen yet: the present values of the action's names, if observed.</summary>
    private static float[]? HoldAction(Observation observation, IReadOnlyList<string> names)
    {
        var hold = new float[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            if (!observation.Values.TryGetValue(names[i], out hold[i])) return null;
        }
        return hold;
    }

    /// <summary>Diagnostics are running values (collision ticks so far, side passed): the latest is the rollout's.</summary>
    private static void Merge(Dictionary<string, float> into, IReadOnlyDictionary<string, float> values)
    {
        foreach (var (key, value) in values) into[key] = value;
    }
}
