using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RobotHost.Evaluation;
using RobotHost.Learning.Checkpoints;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Corrections;

/// <summary>
/// DAgger on a simulated task (Ross, Gordon &amp; Bagnell 2011): roll out the current policy, have the scripted expert
/// label every state it visits, add those labels to the data, fine-tune, evaluate, repeat. Each stage is the host's
/// own: the recorder writes the corrections (a LeRobot v3.0 dataset with <c>source</c>/<c>intervention</c> columns),
/// the training runner fine-tunes on demonstrations + corrections, the evaluator scores held-out seeds. Writes a table
/// (<c>dagger.md</c>), <c>dagger.json</c> and a plot of success by round.
/// </summary>
public static class DaggerRunner
{
    /// <summary>The table file name.</summary>
    public const string TableFileName = "dagger.md";
    /// <summary>The JSON file name.</summary>
    public const string JsonFileName = "dagger.json";
    /// <summary>The plot file name.</summary>
    public const string PlotFileName = "success_by_round.png";

    /// <summary>Runs the rounds. Ctrl+C ends after the stage in progress and keeps the rounds done.</summary>
    /// <exception cref="RobotHostException">Bad options, an environment without a scripted expert, unusable datasets or checkpoints.</exception>
    public static DaggerResult Run(HostSession session, DaggerOptions options, IProgress<DaggerProgress>? progress = null, CancellationToken cancel = default)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException("corrections: " + string.Join("; ", problems));
        var log = session.CreateLogger("Corrections");
        var output = Path.GetFullPath(options.OutputDir);
        Directory.CreateDirectory(output);
        var corrections = Path.GetFullPath(options.CorrectionsRoot ?? Path.Combine(output, "corrections"));
        var format = session.Catalog.DatasetFormat(null, corrections);
        if (format.CanOpen(corrections) && !options.Resume)
            throw new RobotHostException($"corrections already exist in {corrections}; pass --resume to add rounds to them, or choose another --out");
        if (File.Exists(Path.Combine(output, JsonFileName)))
            throw new RobotHostException($"{output} already holds correction rounds ({JsonFileName}); new rounds would overwrite them. " +
                $"Choose another --out and continue from the last round with --checkpoint <its checkpoint> --corrections {corrections} --resume");
        using var environment = session.Catalog.CreateEnvironment(options.Env, options.EnvOptions);
        if (environment is not IScriptedExpert)
            throw new RobotHostException($"environment '{options.Env}' has no scripted expert to label states; DAgger needs one (pick_place, obstacle_2d), or correct on the arm with `rollout --teleop`");

        var clock = Stopwatch.StartNew();
        var rounds = new List<DaggerRound>();
        var cancelled = false;
        try
        {
            // Round 0: the policy to be corrected, trained here when none is given.
            var checkpoint = options.Checkpoint;
            double trainSeconds = 0;
            if (checkpoint is null)
            {
                var first = Train(session, options, new TrainOptions
                {
                    DatasetRoot = options.Dataset,
                    PolicyKey = options.Policy,
                    Preset = options.Preset,
                    ConfigOverrides = options.Set,
                    Steps = options.InitialSteps,
                    Seed = options.Seed,
                    OutputDir = RoundDir(output, 0, "train"),
                }, 0, progress, cancel);
                checkpoint = first.LastCheckpoint;
                trainSeconds = first.Seconds;
                if (first.Cancelled) throw new OperationCanceledException(cancel);
            }
            rounds.Add(new DaggerRound(0, 0, PolicyCheckpoint.Resolve(checkpoint), 0, 0, 1, 0,
                Evaluate(session, options, checkpoint, 0, progress, cancel), 0, trainSeconds));
            log.LogInformation("round 0: {Result}", rounds[^1].Evaluation);

            for (var round = 1; round <= options.Rounds; round++)
            {
                cancel.ThrowIfCancellationRequested();
                var beta = options.BetaOf(round);
                var collectClock = Stopwatch.StartNew();
                (RecordResult Result, long PolicyTicks, long ExpertTicks, long InvalidPolicyTicks) collected;
                using (var policy = PolicyLoader.Load(session, checkpoint))
                {
                    var record = new RecordOptions
                    {
                        EnvironmentKey = options.Env,
                        EnvironmentOptions = options.EnvOptions,
                        Root = corrections,
                        Episodes = options.EpisodesPerRound,
                        EpisodeTimeS = environment.MaxSteps / (double)environment.Fps,
                        Realtime = false,
                        Resume = format.CanOpen(corrections),
                        Seed = DaggerOptions.CorrectionSeedBase,
                        Task = environment.TaskName,
                    };
                    var recordProgress = new RecordStage(progress, round, options.Rounds);
                    collected = new Recorder(log).RecordCorrections(environment, format, record, new CorrectionMix(policy, beta, options.Seed + round, Math.Max(1, (int)Math.Round(options.SegmentS * environment.Fps))),
                        recordProgress, cancel);
                }
                if (collected.Result.StopReason == RecordStopReason.Cancelled) throw new OperationCanceledException(cancel);
                var collectSeconds = collectClock.Elapsed.TotalSeconds;
                var ticks = collected.PolicyTicks + collected.ExpertTicks;
                log.LogInformation("round {Round}: {Episodes} correction rollouts, {Frames} labelled frames, policy drove {Share:P0} of ticks ({Invalid} unusable actions)",
                    round, collected.Result.Episodes.Count, collected.Result.Frames, ticks == 0 ? 0 : (double)collected.PolicyTicks / ticks, collected.InvalidPolicyTicks);

                var tuned = Train(session, options, new TrainOptions
                {
                    DatasetRoot = options.Dataset,
                    MoreDatasets = [corrections],
                    PolicyKey = PolicyCheckpoint.ReadPolicyType(PolicyCheckpoint.Resolve(checkpoint)),
                    InitFrom = checkpoint,
                    ConfigOverrides = options.FineTuneSet,
                    SourceWeights = options.SourceWeights,
                    Steps = options.FineTuneSteps,
                    Seed = options.Seed + round,
                    OutputDir = RoundDir(output, round, "train"),
                }, round, progress, cancel);
                if (tuned.Cancelled) throw new OperationCanceledException(cancel);
                checkpoint = tuned.LastCheckpoint;
                var evaluation = Evaluate(session, options, checkpoint, round, progress, cancel);
                rounds.Add(new DaggerRound(round, beta, checkpoint, collected.Result.Episodes.Count, collected.Result.Frames,
                    ticks == 0 ? 0 : (double)collected.PolicyTicks / ticks, collected.Result.Episodes.Count(e => e.Success == true),
                    evaluation, collectSeconds, tuned.Seconds));
                log.LogInformation("round {Round}: {Result}", round, evaluation);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            cancelled = true;
            log.LogWarning("corrections cancelled after {Rounds} complete round(s)", Math.Max(0, rounds.Count - 1));
        }
        var files = rounds.Count > 0 ? WriteFiles(output, options, rounds, corrections) : [];
        return new DaggerResult(rounds, corrections, output, files, clock.Elapsed.TotalSeconds, cancelled);
    }

    /// <summary>One row per round: β, what was collected, and held-out success with its interval and per condition.</summary>
    public static string ToTable(IReadOnlyList<DaggerRound> rounds)
    {
        var conditions = rounds.SelectMany(r => r.Evaluation.ByCondition.Select(c => c.Condition)).Distinct().Order(StringComparer.Ordinal).ToList();
        var collisions = rounds.Any(r => r.Evaluation.Collisions is not null);
        var header = new List<string> { "round", "beta", "rollouts", "frames", "policy drove", "success", "95% interval" };
        if (collisions) header.Add("crashed");
        header.AddRange(conditions);
        var rows = new List<IReadOnlyList<string>> { header };
        foreach (var r in rounds)
        {
            var row = new List<string>
            {
                r.Round.ToString(CultureInfo.InvariantCulture),
                r.Round == 0 ? "–" : r.Beta.ToString("F2", CultureInfo.InvariantCulture),
                r.Round == 0 ? "–" : r.Episodes.ToString(CultureInfo.InvariantCulture),
                r.Round == 0 ? "–" : r.Frames.ToString(CultureInfo.InvariantCulture),
                r.Round == 0 ? "–" : r.PolicyShare.ToString("P0", CultureInfo.InvariantCulture),
                $"{r.Evaluation.Successes}/{r.Evaluation.EpisodeCount} = {r.SuccessRate.ToString("P0", CultureInfo.InvariantCulture)}",
                r.Evaluation.Interval.ToString(),
            };
            if (collisions) row.Add(r.Evaluation.Collisions is { } c ? ((double)c / Math.Max(1, r.Evaluation.EpisodeCount)).ToString("P0", CultureInfo.InvariantCulture) : "–");
            var byCondition = r.Evaluation.ByCondition.ToDictionary(c => c.Condition);
            row.AddRange(conditions.Select(c => byCondition.TryGetValue(c, out var s) ? s.SuccessRate.ToString("P0", CultureInfo.InvariantCulture) : "–"));
            rows.Add(row);
        }
        return TextTable.Format(rows);
    }

    private static string RoundDir(string output, int round, string stage)
    {
        var dir = Path.Combine(output, $"round_{round}", stage);
        if (Directory.Exists(dir) && stage == "train") Directory.Delete(dir, recursive: true); // a re-run of the same round starts it again
        return dir;
    }

    private static TrainResult Train(HostSession session, DaggerOptions options, TrainOptions train, int round, IProgress<DaggerProgress>? progress, CancellationToken cancel) =>
        TrainingRunner.Train(session, train, new TrainStage(progress, round, options.Rounds, train.InitFrom is null ? "train" : "fine-tune"), cancel);

    private static EvalResult Evaluate(HostSession session, DaggerOptions options, string checkpoint, int round, IProgress<DaggerProgress>? progress, CancellationToken cancel) =>
        Evaluator.Evaluate(session, new EvalOptions
        {
            Checkpoint = checkpoint,
            Env = options.Env,
            EnvOptions = options.EnvOptions,
            Episodes = options.EvalEpisodes,
            Seed = options.EvalSeed,
            Videos = options.Videos,
            OutputDir = Path.Combine(options.OutputDir, $"round_{round}", "eval"),
            Label = $"round {round}",
        }, new EvalStage(progress, round, options.Rounds), cancel);

    private static IReadOnlyList<string> WriteFiles(string output, DaggerOptions options, IReadOnlyList<DaggerRound> rounds, string corrections)
    {
        var table = Path.Combine(output, TableFileName);
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Corrections (DAgger) on {options.Env}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"demonstrations {options.Dataset}; corrections {corrections}; {options.EpisodesPerRound} rollouts per round, " +
                $"beta {options.Beta0:G3} × {options.BetaDecay:G3}^(round−1), {options.FineTuneSteps} fine-tuning steps per round; " +
                $"evaluated on {options.EvalEpisodes} held-out seeds from {options.EvalSeed}.")
            .AppendLine()
            .AppendLine("```")
            .Append(ToTable(rounds))
            .AppendLine("```");
        File.WriteAllText(table, text.ToString());

        var json = Path.Combine(output, JsonFileName);
        var node = new JsonObject
        {
            ["env"] = options.Env,
            ["dataset"] = Path.GetFullPath(options.Dataset),
            ["corrections"] = corrections,
            ["beta0"] = options.Beta0,
            ["beta_decay"] = options.BetaDecay,
            ["episodes_per_round"] = options.EpisodesPerRound,
            ["fine_tune_steps"] = options.FineTuneSteps,
            ["eval_seed"] = options.EvalSeed,
            ["rounds"] = new JsonArray(rounds.Select(r => (JsonNode)new JsonObject
            {
                ["round"] = r.Round,
                ["beta"] = r.Beta,
                ["checkpoint"] = r.Checkpoint,
                ["episodes"] = r.Episodes,
                ["frames"] = r.Frames,
                ["policy_share"] = Math.Round(r.PolicyShare, 4),
                ["rollout_successes"] = r.RolloutSuccesses,
                ["successes"] = r.Evaluation.Successes,
                ["evaluated"] = r.Evaluation.EpisodeCount,
                ["success_rate"] = Math.Round(r.SuccessRate, 4),
                ["collisions"] = r.Evaluation.Collisions,
                ["by_condition"] = new JsonObject(r.Evaluation.ByCondition.Select(c => KeyValuePair.Create(c.Condition, (JsonNode?)Math.Round(c.SuccessRate, 4)))),
                ["collect_s"] = Math.Round(r.CollectSeconds, 1),
                ["train_s"] = Math.Round(r.TrainSeconds, 1),
            }).ToArray()),
        };
        File.WriteAllText(json, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var plot = Path.Combine(output, PlotFileName);
        SuccessByRoundPlot.Save(plot, $"{options.Env}: held-out success by correction round", rounds);
        return [table, json, plot];
    }

    /// <summary>Training progress as the rounds' progress.</summary>
    private sealed class TrainStage(IProgress<DaggerProgress>? target, int round, int rounds, string stage) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) =>
            target?.Report(new DaggerProgress(round, rounds, stage, value.Step, value.TotalSteps, "steps", $"loss {value.SmoothedLoss:G3}, {value.StepsPerSecond:F1} it/s"));
    }

    private sealed class EvalStage(IProgress<DaggerProgress>? target, int round, int rounds) : IProgress<EvalProgress>
    {
        public void Report(EvalProgress value) =>
            target?.Report(new DaggerProgress(round, rounds, "evaluate", value.Completed, value.Total, "episodes", $"{value.Successes} successes"));
    }

    private sealed class RecordStage(IProgress<DaggerProgress>? target, int round, int rounds) : IProgress<RecordProgress>
    {
        public void Report(RecordProgress value) =>
            target?.Report(new DaggerProgress(round, rounds, "collect", value.SavedEpisodes, value.Episodes, "episodes", $"{value.TotalFrames} frames"));
    }
}
