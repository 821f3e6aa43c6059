using System.Globalization;
using Microsoft.Extensions.Logging;
using RobotHost.Evaluation;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Policies;
using RobotHost.Plugins;
using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Tui;

/// <summary>
/// The train and eval panels' engine: runs the host's <see cref="TrainingRunner"/> and <see cref="Evaluator"/> (the same
/// code as <c>robothost train</c> / <c>robothost eval</c>) on a background thread, one job at a time, cancellable, and
/// keeps the newest progress for the UI to copy on its timer. The UI thread never waits for a job. Training reads the
/// demonstrations together with the corrections dataset once policy runs have recorded one; fine-tuning starts from the
/// current checkpoint on both (<c>robothost train --dataset DEMOS --dataset CORRECTIONS --init-from CKPT</c>).
/// </summary>
public sealed class LearnController : IDisposable
{
    /// <summary>Step counts offered by + and −.</summary>
    public static readonly IReadOnlyList<long> StepLadder = [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000];
    /// <summary>Rollout counts offered by [ and ].</summary>
    public static readonly IReadOnlyList<int> EpisodeLadder = [1, 2, 5, 10, 20, 50, 100, 200];

    private readonly HostSession _session;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly List<double> _losses = new();
    private CancellationTokenSource? _cancel;
    private Task? _job;
    private volatile TrainProgress? _trainProgress;
    private volatile EvalProgress? _evalProgress;
    private volatile string? _trainOutcome;
    private volatile string? _evalOutcome;
    private volatile string? _checkpoint;
    private volatile string? _runningTrainLabel;
    private volatile bool _training;
    private volatile bool _evaluating;

    /// <summary>Panels for <paramref name="session"/>, starting from <paramref name="settings"/>.</summary>
    public LearnController(HostSession session, LearnSettings settings)
    {
        _session = session;
        Settings = settings;
        _checkpoint = settings.Checkpoint;
        _log = session.CreateLogger("RobotHost.Tui");
    }

    /// <summary>Settings the next job starts with (changed by the UI thread only).</summary>
    public LearnSettings Settings { get; private set; }

    /// <summary>True while training runs.</summary>
    public bool IsTraining => _training;
    /// <summary>True while an evaluation runs.</summary>
    public bool IsEvaluating => _evaluating;
    /// <summary>True while either runs.</summary>
    public bool IsBusy => _job is { IsCompleted: false };
    /// <summary>Newest training progress (this run or the last).</summary>
    public TrainProgress? TrainProgress => _trainProgress;
    /// <summary>Newest evaluation progress (this run or the last).</summary>
    public EvalProgress? EvalProgress => _evalProgress;
    /// <summary>One line about the last finished training, or null.</summary>
    public string? TrainOutcome => _trainOutcome;
    /// <summary>One line about the last finished evaluation, or null.</summary>
    public string? EvalOutcome => _evalOutcome;
    /// <summary>The checkpoint the next evaluation loads: the newest one trained here, else <see cref="LearnSettings.Checkpoint"/>.</summary>
    public string? Checkpoint => _checkpoint;
    /// <summary>"policy/preset" of the running (or last) training.</summary>
    public string? TrainLabel => _runningTrainLabel;

    /// <summary>Every loss of the current (or last) training run, in step order.</summary>
    public IReadOnlyList<double> Losses()
    {
        lock (_gate) return _losses.ToArray();
    }

    /// <summary>Policy keys the host can train, in catalog order (re-read so a rescan adds new ones).</summary>
    public IReadOnlyList<string> TrainablePolicies() =>
        _session.Catalog.Keys(ComponentKind.Policy).Where(k => _session.Catalog.Policy(k) is ITrainablePolicyFactory).ToList();

    /// <summary>Next trainable policy (p); its first preset unless it has the current one.</summary>
    public void NextPolicy()
    {
        var keys = TrainablePolicies();
        if (keys.Count == 0) return;
        var next = keys[(IndexOf(keys, Settings.PolicyKey) + 1) % keys.Count];
        var presets = _session.Catalog.Policy(next).Presets;
        var preset = presets.Contains(Settings.Preset ?? "") ? Settings.Preset : presets.FirstOrDefault();
        Settings = Settings with { PolicyKey = next, Preset = preset };
    }

    /// <summary>Next preset of the current policy (o).</summary>
    public void NextPreset()
    {
        var presets = TrainablePolicies().Contains(Settings.PolicyKey) ? _session.Catalog.Policy(Settings.PolicyKey).Presets : [];
        if (presets.Count == 0) return;
        Settings = Settings with { Preset = presets[(IndexOf(presets, Settings.Preset ?? "") + 1) % presets.Count] };
    }

    /// <summary>Next larger (+) or smaller (−) step count on <see cref="StepLadder"/>.</summary>
    public void ChangeSteps(bool up) => Settings = Settings with { Steps = Step(StepLadder, Settings.Steps, up) };

    /// <summary>Next larger (]) or smaller ([) rollout count on <see cref="EpisodeLadder"/>.</summary>
    public void ChangeEvalEpisodes(bool up) => Settings = Settings with { EvalEpisodes = (int)Step(EpisodeLadder.Select(e => (long)e).ToList(), Settings.EvalEpisodes, up) };

    /// <summary>True when <see cref="LearnSettings.CorrectionsRoot"/> holds a dataset: training then reads it with the demonstrations.</summary>
    public bool HasCorrections => Settings.CorrectionsRoot is { } root && IsDataset(root);

    /// <summary>
    /// Starts training the current policy and preset from scratch on the demonstrations, plus the corrections when they
    /// exist; returns why not, or null when it started.
    /// </summary>
    public string? StartTraining()
    {
        if (IsBusy) return BusyReason();
        if (!Directory.Exists(Settings.DatasetRoot)) return $"no dataset at {Settings.DatasetRoot}: record first (g)";
        var settings = Settings;
        return Train(new TrainOptions
        {
            DatasetRoot = settings.DatasetRoot, MoreDatasets = CorrectionsIfAny(), PolicyKey = settings.PolicyKey, Preset = settings.Preset,
            Steps = settings.Steps, OutputDir = RunFolder(settings.PolicyKey, ""),
        }, $"{settings.PolicyKey}/{settings.Preset ?? "paper"}");
    }

    /// <summary>
    /// Fine-tunes <see cref="Checkpoint"/> (its policy, network and normalisation) on the demonstrations plus the
    /// corrections for the current step count (the next step after policy runs with takeovers); returns why not, or null
    /// when it started.
    /// </summary>
    public string? StartFineTuning()
    {
        if (IsBusy) return BusyReason();
        if (_checkpoint is not { } checkpoint) return "no checkpoint to fine-tune: train one (t) or start with --checkpoint";
        if (!HasCorrections) return $"no corrections at {Settings.CorrectionsRoot ?? "(none set)"}: run the policy (F6) and take over (t) first";
        if (!Directory.Exists(Settings.DatasetRoot)) return $"no dataset at {Settings.DatasetRoot}: record first (g)";
        string policyKey;
        try { policyKey = PolicyCheckpoint.ReadPolicyType(PolicyCheckpoint.Resolve(checkpoint)); }
        catch (Exception e) when (e is RobotHostException or IOException) { return $"cannot fine-tune {checkpoint}: {e.Message}"; }
        var settings = Settings;
        return Train(new TrainOptions
        {
            DatasetRoot = settings.DatasetRoot, MoreDatasets = CorrectionsIfAny(), InitFrom = checkpoint, PolicyKey = policyKey,
            Steps = settings.Steps, OutputDir = RunFolder(policyKey, "-finetune"),
        }, $"fine-tune {policyKey}");
    }

    private IReadOnlyList<string> CorrectionsIfAny() => HasCorrections ? [Settings.CorrectionsRoot!] : [];

    private string RunFolder(string policyKey, string kind) =>
        Path.Combine(Settings.RunsDirectory, $"tui-{policyKey}{kind}-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}");

    private bool IsDataset(string root) => Directory.Exists(root) && _session.Catalog.DatasetFormat(null, root).CanOpen(root);

    /// <summary>Runs <see cref="TrainingRunner.Train"/> (as <c>robothost train</c>) on the job thread; its last checkpoint becomes <see cref="Checkpoint"/>.</summary>
    private string? Train(TrainOptions options, string label)
    {
        lock (_gate) _losses.Clear();
        _trainProgress = null;
        _trainOutcome = null;
        _runningTrainLabel = label;
        _training = true;
        var progress = new Store<TrainProgress>(p =>
        {
            lock (_gate) _losses.Add(p.Loss);
            _trainProgress = p;
        });
        Start(token =>
        {
            try
            {
                var result = TrainingRunner.Train(_session, options, progress, token);
                if (!string.IsNullOrEmpty(result.LastCheckpoint)) _checkpoint = result.LastCheckpoint;
                _trainOutcome = FormattableString.Invariant($"{(result.Cancelled ? "cancelled" : "done")} at step {result.Steps}, loss {result.FinalLoss:G3}, {result.Seconds:F0} s");
            }
            catch (Exception e)
            {
                _trainOutcome = $"training failed: {e.Message}";
                _log.LogError(e, "training from the tui failed");
            }
            finally { _training = false; }
        });
        return null;
    }

    /// <summary>Evaluates <see cref="Checkpoint"/> on the simulator; returns why not, or null when it started.</summary>
    public string? StartEvaluation()
    {
        if (IsBusy) return BusyReason();
        var checkpoint = _checkpoint;
        if (checkpoint is null) return "no checkpoint yet: train first (t)";
        var settings = Settings;
        var options = new EvalOptions
        {
            Checkpoint = checkpoint, Env = settings.Env, EnvOptions = settings.EnvOptions, Episodes = settings.EvalEpisodes, MaxSteps = settings.EvalMaxSteps,
        };
        options = options with { OutputDir = Path.Combine(checkpoint, $"eval_{options.Env}_{options.Seed}") };
        _evalProgress = null;
        _evalOutcome = null;
        _evaluating = true;
        var progress = new Store<EvalProgress>(p => _evalProgress = p);
        Start(token =>
        {
            try
            {
                options = options with { EnvOptions = options.EnvOptions ?? EnvOptionsFromDataset(settings) };
                var result = Evaluator.Evaluate(_session, options, progress, token);
                _evalOutcome = FormattableString.Invariant($"{result.Successes}/{result.EpisodeCount} = {result.SuccessRate:P0} {result.Interval}");
            }
            catch (OperationCanceledException)
            {
                var p = _evalProgress;
                _evalOutcome = $"cancelled after {p?.Completed ?? 0} rollout(s)";
            }
            catch (Exception e)
            {
                _evalOutcome = $"eval failed: {e.Message}";
                _log.LogError(e, "evaluation from the tui failed");
            }
            finally { _evaluating = false; }
        });
        return null;
    }

    /// <summary>Cancels the running job (x): training saves a partial checkpoint, evaluation stops after the current step.</summary>
    public bool Cancel()
    {
        if (!IsBusy) return false;
        _cancel?.Cancel();
        return true;
    }

    /// <summary>Waits for the running job to end (at most <paramref name="timeout"/>); true when none runs.</summary>
    public bool Wait(TimeSpan timeout)
    {
        var job = _job;
        if (job is null) return true;
        try { return job.Wait(timeout); }
        catch (AggregateException) { return true; }
    }

    /// <summary>Cancels and waits for the running job.</summary>
    public void Dispose()
    {
        if (Cancel() && !Wait(TimeSpan.FromSeconds(60))) _log.LogWarning("the tui's training/evaluation did not stop within 60 s");
        _cancel?.Dispose();
    }

    /// <summary>
    /// An environment that takes <c>cameras</c>, <c>fps</c>, <c>image_height</c> or <c>image_width</c> options renders
    /// what it is told: take them from the dataset the policy was trained on, so its inputs match (else the evaluator
    /// refuses with a shape error). Only the options the environment's config declares are passed.
    /// </summary>
    private IReadOnlyDictionary<string, string>? EnvOptionsFromDataset(LearnSettings settings)
    {
        var declared = _session.Catalog.OptionNames(ComponentKind.Environment, settings.Env);
        if (!declared.Contains("cameras") || !Directory.Exists(settings.DatasetRoot)) return null;
        using var reader = _session.Catalog.DatasetFormatFor(settings.DatasetRoot).Open(settings.DatasetRoot);
        var images = reader.Schema.VisualFeatures.Where(f => f.Key.StartsWith(FeatureKeys.ImagePrefix, StringComparison.Ordinal)).ToList();
        var options = new Dictionary<string, string>
        {
            ["cameras"] = string.Join(",", images.Select(f => f.Key[FeatureKeys.ImagePrefix.Length..])),
            ["fps"] = reader.Schema.Fps.ToString(CultureInfo.InvariantCulture),
        };
        if (images.Count > 0)
        {
            options["image_height"] = images[0].Shape[0].ToString(CultureInfo.InvariantCulture);
            options["image_width"] = images[0].Shape[1].ToString(CultureInfo.InvariantCulture);
        }
        return options.Where(o => declared.Contains(o.Key)).ToDictionary();
    }

    private string BusyReason() => IsTraining ? "training runs: x cancels it" : "evaluation runs: x cancels it";

    private void Start(Action<CancellationToken> work)
    {
        _cancel?.Dispose();
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        // Long-running: training and rollouts hold a thread for minutes; keep them off the thread pool the UI timer uses.
        _job = Task.Factory.StartNew(() => work(token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static int IndexOf(IReadOnlyList<string> items, string item)
    {
        for (var i = 0; i < items.Count; i++)
            if (string.Equals(items[i], item, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static long Step(IReadOnlyList<long> ladder, long value, bool up) =>
        up ? ladder.FirstOrDefault(v => v > value, ladder[^1]) : ladder.LastOrDefault(v => v < value, ladder[0]);

    // Progress<T> would post to a SynchronizationContext; this stores the snapshot on the worker thread, no marshalling.
    private sealed class Store<T>(Action<T> store) : IProgress<T>
    {
        public void Report(T value) => store(value);
    }
}
