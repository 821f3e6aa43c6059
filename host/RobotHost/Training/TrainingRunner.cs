using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Training;
using RobotHost.Plugins;
using RobotHost.Sdk;

namespace RobotHost.Training;

/// <summary>
/// Trains a registered policy on a dataset: what <c>robothost train</c> and scripts call. Writes
/// <c>&lt;out&gt;/checkpoints/&lt;step&gt;/</c> (+ <c>last</c>), <c>train_log.jsonl</c> (one line per logged step),
/// <c>train_summary.json</c> and <c>loss_curve.png</c>; on cancellation saves a partial checkpoint first.
/// </summary>
public static class TrainingRunner
{
    /// <summary>The JSONL log file name.</summary>
    public const string LogFileName = "train_log.jsonl";
    /// <summary>The summary file name.</summary>
    public const string SummaryFileName = "train_summary.json";
    /// <summary>The plot file name.</summary>
    public const string PlotFileName = "loss_curve.png";

    /// <summary>Runs (or resumes) a training run.</summary>
    /// <exception cref="RobotHostException">Unknown policy or dataset, bad options, an output folder that already holds a run without <c>Resume</c>.</exception>
    public static TrainResult Train(HostSession session, TrainOptions options, IProgress<TrainProgress>? progress = null, CancellationToken cancel = default)
    {
        if (options.Steps < 1) throw new RobotHostException($"steps must be ≥ 1, got {options.Steps}");
        var log = session.CreateLogger("Training");
        var output = Path.GetFullPath(options.OutputDir);
        var checkpoints = Path.Combine(output, PolicyCheckpoint.CheckpointsDirectory);
        var hasRun = Directory.Exists(checkpoints) && Directory.EnumerateFileSystemEntries(checkpoints).Any();
        if (hasRun && !options.Resume)
            throw new RobotHostException($"'{output}' already holds a training run; pass --resume to continue it, or choose another --out");
        Directory.CreateDirectory(output);

        if (options.InitFrom is not null && options.Resume && hasRun)
            throw new RobotHostException($"'{output}' already holds a run to resume; --init-from starts a new run, so give another --out (or drop --init-from to resume)");
        using var reader = OpenDatasets(session, [options.DatasetRoot, .. options.MoreDatasets]);
        var registered = session.Catalog.Policy(options.PolicyKey);
        var factory = registered as ITrainablePolicyFactory
            ?? throw new RobotHostException($"policy '{options.PolicyKey}' can be loaded but not trained here (its plugin offers no trainer)");
        var sourceWeights = SourceWeights.Parse(options.SourceWeights);
        var sampling = SourceWeights.Sampling(reader, sourceWeights);
        if (sampling.Weights is not null || sampling.LabelSteps is not null)
            log.LogInformation("frames by source: {Counts}; weights {Weights}; chunks cut where the policy drove: {Cut}",
                string.Join(", ", sampling.Counts.Select(c => $"{c.Key.ToString().ToLowerInvariant()} {c.Value}")),
                sourceWeights, sampling.LabelSteps is not null);
        var frameWeights = sampling.Weights;

        PolicyTrainer trainer;
        var overrides = new Dictionary<string, string>(options.ConfigOverrides, StringComparer.OrdinalIgnoreCase);
        if (options.BatchSize is { } batch) overrides["batch_size"] = batch.ToString(CultureInfo.InvariantCulture);
        if (options.Device is { } device) overrides["device"] = device;
        if (options.Resume && hasRun)
        {
            var type = PolicyCheckpoint.ReadPolicyType(PolicyCheckpoint.Resolve(output));
            if (type != factory.PolicyType)
                throw new RobotHostException($"'{output}' holds a '{type}' run; resume it with --policy {type}");
            trainer = PolicyTrainer.Resume(factory, output, reader, options.Steps, frameWeights, sampling.LabelSteps);
            log.LogInformation("resuming {Policy} at step {Step} of {Steps} from {Output}", factory.PolicyType, trainer.Step, options.Steps, output);
        }
        else if (options.InitFrom is not null)
        {
            var from = PolicyCheckpoint.Resolve(options.InitFrom);
            var type = PolicyCheckpoint.ReadPolicyType(from);
            if (type != factory.PolicyType)
                throw new RobotHostException($"'{from}' is a '{type}' checkpoint; fine-tune it with --policy {type}");
            var saved = PolicyCheckpoint.ReadConfig(from, factory.ConfigType, out _);
            var config = overrides.Count > 0 ? (PolicyConfig)ConfigBinder.Bind(factory.ConfigType, options.PolicyKey, overrides, saved) : saved;
            trainer = PolicyTrainer.FineTune(factory, from, config, reader, new TrainerOptions { Seed = options.Seed, TotalSteps = options.Steps, FrameWeights = frameWeights, LabelSteps = sampling.LabelSteps });
            log.LogInformation("fine-tuning {Policy} from {From} on {Dataset} for {Steps} steps into {Output}; config {Config}",
                factory.PolicyType, from, DatasetNames(options), options.Steps, output, JsonSerializer.Serialize(config, config.GetType(), Learning.LearningJson.Options));
        }
        else
        {
            var preset = factory.CreateConfig(options.Preset);
            var config = (PolicyConfig)ConfigBinder.Bind(factory.ConfigType, options.PolicyKey, overrides, preset);
            trainer = PolicyTrainer.Create(factory, config, reader, new TrainerOptions { Seed = options.Seed, TotalSteps = options.Steps, FrameWeights = frameWeights, LabelSteps = sampling.LabelSteps });
            log.LogInformation("training {Policy} ({Preset}) on {Dataset} for {Steps} steps into {Output}; config {Config}",
                factory.PolicyType, options.Preset ?? "paper", DatasetNames(options), options.Steps, output, JsonSerializer.Serialize(config, config.GetType(), Learning.LearningJson.Options));
        }

        if (!Learning.TorchRuntime.ScalarGuardActive && OperatingSystem.IsLinux())
            log.LogWarning("TorchSharp scalar guard {Status}", Learning.TorchRuntime.ScalarGuardStatus);
        using (trainer)
        {
            return Run(trainer, options, output, progress, cancel, log);
        }
    }

    private static TrainResult Run(PolicyTrainer trainer, TrainOptions options, string output, IProgress<TrainProgress>? progress, CancellationToken cancel, ILogger log)
    {
        var logPath = Path.Combine(output, LogFileName);
        var (steps, losses) = ReadLog(logPath, trainer.Step);
        using var writer = new StreamWriter(logPath, append: false);
        foreach (var (s, l) in steps.Zip(losses)) writer.WriteLine(new JsonObject { ["step"] = s, ["loss"] = l }.ToJsonString());
        var clock = Stopwatch.StartNew();
        var startStep = trainer.Step;
        double? firstLoss = null;
        double smoothed = double.NaN;
        var window = new Queue<double>();
        var recent = new Queue<(double Time, long Step)>();
        string? lastCheckpoint = null;
        var cancelled = false;
        try
        {
            while (trainer.Step < options.Steps)
            {
                if (cancel.IsCancellationRequested) { cancelled = true; break; }
                TrainStepResult result;
                try { result = trainer.TrainStep(cancel); }
                catch (OperationCanceledException) { cancelled = true; break; }
                firstLoss ??= result.Loss;
                smoothed = double.IsNaN(smoothed) ? result.Loss : 0.95 * smoothed + 0.05 * result.Loss;
                window.Enqueue(result.Loss);
                if (window.Count > 20) window.Dequeue();
                if (result.Step % Math.Max(1, options.LogEvery) == 0 || result.Step == options.Steps)
                {
                    steps.Add(result.Step);
                    losses.Add(result.Loss);
                    var line = new JsonObject
                    {
                        ["step"] = result.Step,
                        ["loss"] = result.Loss,
                        ["lr"] = result.LearningRate,
                        ["grad_norm"] = result.GradNorm,
                        ["step_s"] = Math.Round(result.StepSeconds, 5),
                        ["data_wait_s"] = Math.Round(result.DataWaitSeconds, 5),
                        ["elapsed_s"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                    };
                    foreach (var (name, value) in result.Parts) line[name] = value;
                    writer.WriteLine(line.ToJsonString());
                    writer.Flush();
                }
                if (options.SaveEvery > 0 && result.Step % options.SaveEvery == 0 && result.Step < options.Steps)
                    lastCheckpoint = trainer.SaveCheckpoint(output);
                recent.Enqueue((clock.Elapsed.TotalSeconds, result.Step));
                while (recent.Count > 50) recent.Dequeue();
                var (t0, s0) = recent.Peek();
                var rate = recent.Count > 1 && clock.Elapsed.TotalSeconds > t0 ? (result.Step - s0) / (clock.Elapsed.TotalSeconds - t0) : 1 / Math.Max(1e-9, result.StepSeconds);
                var eta = TimeSpan.FromSeconds((options.Steps - result.Step) / Math.Max(1e-9, rate));
                progress?.Report(new TrainProgress(result.Step, options.Steps, result.Loss, smoothed, rate, eta, trainer.DataWaitFraction, lastCheckpoint));
            }
        }
        finally
        {
            // Always leave a usable checkpoint behind: at the end, on Ctrl+C, and on an error after some progress.
            if (trainer.Step > startStep || lastCheckpoint is null && trainer.Step > 0)
                lastCheckpoint = trainer.SaveCheckpoint(output);
            writer.Flush();
        }
        var plot = Path.Combine(output, PlotFileName);
        LossCurvePlot.Save(plot, $"{trainer.PolicyType} — {Path.GetFileName(output)}", steps, losses);
        var finalLoss = window.Count > 0 ? window.Average() : double.NaN;
        var summary = new JsonObject
        {
            ["policy_type"] = trainer.PolicyType,
            ["dataset"] = Path.GetFullPath(options.DatasetRoot),
            ["more_datasets"] = new JsonArray(options.MoreDatasets.Select(d => (JsonNode?)Path.GetFullPath(d)).ToArray()),
            ["init_from"] = options.InitFrom is null ? null : Path.GetFullPath(options.InitFrom),
            ["steps"] = trainer.Step,
            ["total_steps"] = options.Steps,
            ["first_loss"] = firstLoss,
            ["final_loss"] = double.IsNaN(finalLoss) ? null : finalLoss,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            ["steps_per_second"] = trainer.Step > startStep ? Math.Round((trainer.Step - startStep) / clock.Elapsed.TotalSeconds, 3) : null,
            ["data_wait_fraction"] = Math.Round(trainer.DataWaitFraction, 4),
            ["cancelled"] = cancelled,
            ["last_checkpoint"] = lastCheckpoint,
        };
        File.WriteAllText(Path.Combine(output, SummaryFileName), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        log.LogInformation("training {State} at step {Step}: loss {First} → {Final}, {Seconds:F0} s, data wait {Wait:P1}; checkpoint {Checkpoint}",
            cancelled ? "cancelled" : "finished", trainer.Step, firstLoss, finalLoss, clock.Elapsed.TotalSeconds, trainer.DataWaitFraction, lastCheckpoint);
        return new TrainResult(output, lastCheckpoint ?? "", trainer.Step, finalLoss, firstLoss ?? double.NaN, clock.Elapsed.TotalSeconds, trainer.DataWaitFraction, cancelled, plot, logPath)
        {
            LossSteps = steps,
            Losses = losses,
        };
    }

    /// <summary>One dataset, or several read as one <see cref="DatasetUnion"/> (each opened by the format that recognises it).</summary>
    public static IDatasetReader OpenDatasets(HostSession session, IReadOnlyList<string> roots)
    {
        var readers = new List<IDatasetReader>();
        try
        {
            foreach (var root in roots) readers.Add(session.Catalog.DatasetFormatFor(root).Open(root));
            return readers.Count == 1 ? readers[0] : new DatasetUnion(readers);
        }
        catch
        {
            foreach (var reader in readers) reader.Dispose();
            throw;
        }
    }

    private static string DatasetNames(TrainOptions options) => string.Join(" + ", new[] { options.DatasetRoot }.Concat(options.MoreDatasets));

    /// <summary>Earlier log points up to <paramref name="upToStep"/> (a resumed run keeps its curve).</summary>
    private static (List<long> Steps, List<double> Losses) ReadLog(string path, long upToStep)
    {
        var steps = new List<long>();
        var losses = new List<double>();
        if (upToStep == 0 || !File.Exists(path)) return (steps, losses);
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                var node = JsonNode.Parse(line);
                var step = node?["step"]?.GetValue<long>() ?? 0;
                if (step > 0 && step <= upToStep && node?["loss"] is { } loss)
                {
                    steps.Add(step);
                    losses.Add(loss.GetValue<double>());
                }
            }
            catch (JsonException) { } // a line cut by a crash
        }
        return (steps, losses);
    }
}
