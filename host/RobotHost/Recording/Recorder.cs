using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Control;
using RobotHost.Corrections;
using RobotHost.DatasetCheck;
using RobotHost.Sdk;

namespace RobotHost.Recording;

/// <summary>
/// Records demonstrations into a dataset (LeRobot's <c>record</c>): a fixed-rate loop reads the robot, takes the
/// teleoperator's action, sends it, takes each camera's newest frame, and queues the frame to a writer thread, so
/// video encodes while the episode goes on and saving between episodes is short. Episodes alternate with reset phases;
/// the operator can end an episode early, re-record it or stop (<see cref="IRecordControl"/>). Loop timing, queue depth
/// and dropped frames are measured and reported. Torque goes off on every exit path: normal end, cancellation, error.
/// </summary>
/// <example>
/// <code>
/// var result = new Recorder(session.CreateLogger("record")).Record(session, new RecordOptions
/// {
///     RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front", "sim_wrist"],
///     Root = "data/pick", Episodes = 10, EpisodeTimeS = 20, ResetTimeS = 0, Realtime = false,
/// });
/// </code>
/// </example>
public sealed class Recorder
{
    private readonly ILogger _log;

    /// <summary>Creates a recorder that logs to <paramref name="log"/>.</summary>
    public Recorder(ILogger? log = null) => _log = log ?? NullLogger.Instance;

    /// <summary>Reward and success features written when the source reports task feedback (LeRobot's <c>next.*</c>).</summary>
    public static IReadOnlyList<FeatureSpec> TaskFeatures { get; } =
    [
        new(FeatureKeys.Reward, "float32", [1], null),
        new(FeatureKeys.Success, "bool", [1], null),
    ];

    /// <summary>Where each frame's action came from (<see cref="FrameSource"/>), written by correction rollouts and takeovers.</summary>
    public static IReadOnlyList<FeatureSpec> SourceFeatures { get; } =
    [
        new(FeatureKeys.Intervention, "bool", [1], null),
        new(FeatureKeys.Source, "int64", [1], null),
    ];

    /// <summary>Who produced a recorded frame's action: its <see cref="FeatureKeys.Source"/> value, or a demonstration when the column is absent.</summary>
    public static FrameSource SourceOf(IReadOnlyDictionary<string, float[]> values) =>
        values.TryGetValue(FeatureKeys.Source, out var code) && code.Length > 0 ? (FrameSource)(int)code[0] : FrameSource.Demo;

    /// <summary>
    /// Creates the rig (or environment) and the dataset from the session's plugins by key, records, and releases
    /// everything it created. See <see cref="RecordOptions"/>.
    /// </summary>
    /// <exception cref="RobotHostException">Bad options, unknown keys, a device or the dataset writer failing.</exception>
    public RecordResult Record(HostSession session, RecordOptions options, IRecordControl? control = null,
        IProgress<RecordProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfInvalid(options);
        var format = session.Catalog.DatasetFormat(options.Format, options.Root);
        if (options.IsEnvironmentMode)
        {
            using var environment = session.Catalog.CreateEnvironment(options.EnvironmentKey!, options.EnvironmentOptions);
            return Record(environment, format, options, control, progress, cancel);
        }

        using var rig = Rig.Create(session.Catalog, options.RigSpec, _log);
        return Record(rig, format, options, control, progress, cancel);
    }

    /// <summary>
    /// Records with a rig the caller created (and still owns: it is connected here and disconnected at the end, not
    /// disposed). <see cref="RecordOptions.RobotKey"/> and friends are ignored.
    /// </summary>
    public RecordResult Record(Rig rig, IDatasetFormat format, RecordOptions options, IRecordControl? control = null,
        IProgress<RecordProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(rig);
        ThrowIfInvalid(options with { RobotKey = options.RobotKey ?? "given", TeleopKey = options.TeleopKey ?? "given", EnvironmentKey = null, CameraKeys = [], CameraOptions = [] });
        var fps = options.Fps ?? 30;
        _log.LogInformation("recording {Episodes} episode(s) of up to {EpisodeTime} s at {Fps} fps from {Robot} + {Teleop} + cameras [{Cameras}] to {Root} (realtime {Realtime})",
            options.Episodes, options.EpisodeTimeS, fps, rig.Robot.RobotType, rig.Teleoperator?.GetType().Name ?? "no teleoperator", string.Join(", ", rig.Cameras.Select(c => c.Name)), options.Root, options.Realtime);
        using var source = new RigSource(rig, options.CameraWarmup);
        return Run(source, format, options, fps, "teleoperated demonstration", control, progress, cancel);
    }

    /// <summary>
    /// Gym mode: records an environment driven by its scripted expert (<see cref="IScriptedExpert"/>), episode i starting
    /// from <c>Reset(Seed + i)</c>. Environments have no real time, so the loop never sleeps and there is no reset wait.
    /// </summary>
    public RecordResult Record(IEnvironment environment, IDatasetFormat format, RecordOptions options, IRecordControl? control = null,
        IProgress<RecordProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ThrowIfInvalid(options with { EnvironmentKey = options.EnvironmentKey ?? environment.TaskName, RobotKey = null, TeleopKey = null, CameraKeys = [], CameraOptions = [] });
        var fps = options.Fps ?? environment.Fps;
        if (fps != environment.Fps)
            _log.LogWarning("recording {Task} at {Fps} fps although the environment steps at {EnvFps} fps: timestamps follow --fps", environment.TaskName, fps, environment.Fps);
        _log.LogInformation("recording {Episodes} episode(s) of environment {Task} with its scripted expert to {Root}", options.Episodes, environment.TaskName, options.Root);
        using var source = new EnvironmentSource(environment, options.RobotType ?? options.EnvironmentKey ?? environment.TaskName);
        return Run(source, format, options, fps, environment.TaskName, control, progress, cancel);
    }

    /// <summary>
    /// DAgger rollouts on an environment: the same loop and writer as gym-mode recording, but the executed action is
    /// the expert's or <paramref name="mix"/>'s policy's by a β-coin, every frame is labelled with the expert's action,
    /// and frames carry <c>source</c>/<c>intervention</c>. Returns the session and how many ticks each side drove.
    /// </summary>
    public (RecordResult Result, long PolicyTicks, long ExpertTicks, long InvalidPolicyTicks) RecordCorrections(IEnvironment environment, IDatasetFormat format,
        RecordOptions options, CorrectionMix mix, IProgress<RecordProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(mix);
        if (mix.Beta is < 0 or > 1 || double.IsNaN(mix.Beta)) throw new RobotHostException($"beta must be between 0 and 1, got {mix.Beta}");
        ThrowIfInvalid(options with { EnvironmentKey = options.EnvironmentKey ?? environment.TaskName, RobotKey = null, TeleopKey = null, CameraKeys = [], CameraOptions = [] });
        _log.LogInformation("DAgger rollouts: {Episodes} episode(s) of {Task}, policy {Policy}, beta {Beta:F2}, into {Root}",
            options.Episodes, environment.TaskName, mix.Policy.Info.PolicyType, mix.Beta, options.Root);
        using var source = new EnvironmentSource(environment, options.RobotType ?? options.EnvironmentKey ?? environment.TaskName, mix);
        var result = Run(source, format, options, options.Fps ?? environment.Fps, environment.TaskName, null, progress, cancel);
        return (result, source.PolicyTicks, source.ExpertTicks, source.InvalidPolicyTicks);
    }

    /// <summary>
    /// Records frames another loop body produces (a policy rollout with takeover), with the same episodes, keys, writer
    /// and timing as a teleoperated recording. The source is disposed (torque off) on every path.
    /// </summary>
    internal RecordResult Record(IFrameSource source, IDatasetFormat format, RecordOptions options, int fps, string defaultTask,
        IRecordControl? control, IProgress<RecordProgress>? progress, CancellationToken cancel)
    {
        using (source)
        {
            ThrowIfInvalid(options with { RobotKey = options.RobotKey ?? "given", TeleopKey = options.TeleopKey ?? "given", EnvironmentKey = null, CameraKeys = [], CameraOptions = [] });
            return Run(source, format, options, fps, defaultTask, control, progress, cancel);
        }
    }

    private static void ThrowIfInvalid(RecordOptions options)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException(string.Join("; ", problems));
    }

    private RecordResult Run(IFrameSource source, IDatasetFormat format, RecordOptions options, int fps, string defaultTask,
        IRecordControl? control, IProgress<RecordProgress>? progress, CancellationToken cancel)
    {
        var schema = source.Schema with { Fps = fps };
        var task = options.Task ?? defaultTask;
        using var writer = OpenWriter(format, options, schema);
        var session = new Session(this, source, writer, options, fps, task, control, progress);
        return session.Run(cancel);
    }

    private IDatasetWriter OpenWriter(IDatasetFormat format, RecordOptions options, DatasetSchema schema)
    {
        var writerOptions = new DatasetWriterOptions { VideoCodec = options.VideoCodec };
        var root = Path.GetFullPath(options.Root);
        var exists = format.CanOpen(root);
        if (!options.Resume)
        {
            if (exists)
                throw new RobotHostException($"a dataset already exists in {root}; pass --resume to append episodes to it, or choose another --root");
            return format.Create(root, schema, writerOptions);
        }
        if (!exists)
            throw new RobotHostException($"--resume: no dataset in {root} to append to; drop --resume to create one");
        var writer = format.Resume(root, writerOptions);
        try
        {
            CheckCompatible(writer.Schema, schema, root);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        _log.LogInformation("resuming {Root}: {Episodes} episode(s) already saved; numbering continues at {Next}", root, writer.EpisodeCount, writer.EpisodeCount);
        return writer;
    }

    private static void CheckCompatible(DatasetSchema existing, DatasetSchema wanted, string root)
    {
        if (existing.Fps != wanted.Fps)
            throw new RobotHostException($"--resume: the dataset in {root} is {existing.Fps} fps, this session records {wanted.Fps} fps; use --fps {existing.Fps}");
        var problems = new List<string>();
        foreach (var f in wanted.Features)
        {
            var old = existing.Features.FirstOrDefault(e => e.Key == f.Key);
            if (old is null) problems.Add($"{f.Key} is new");
            else if (!old.Shape.SequenceEqual(f.Shape)) problems.Add($"{f.Key} is [{string.Join(",", f.Shape)}] but the dataset has [{string.Join(",", old.Shape)}]");
        }
        foreach (var old in existing.Features.Where(e => wanted.Features.All(f => f.Key != e.Key)))
        {
            // Bookkeeping columns the format keeps in its schema are not user features.
            if (old.Key is "timestamp" or "frame_index" or "episode_index" or "index" or "task_index") continue;
            problems.Add($"{old.Key} is missing");
        }
        if (problems.Count > 0)
            throw new RobotHostException($"--resume: this session's features do not match the dataset in {root} ({string.Join("; ", problems)}); record with the same robot and cameras, or into a new --root");
    }

    /// <summary>One recording session's state: the loop, the writer pump, the episode bookkeeping.</summary>
    private sealed class Session(Recorder owner, IFrameSource source, IDatasetWriter writer, RecordOptions options, int fps, string task,
        IRecordControl? control, IProgress<RecordProgress>? progress)
    {
        private readonly ILogger _log = owner._log;
        private readonly RateLoop _loop = new(fps, options.Realtime && source.HasRealTime);
        private readonly List<RecordedEpisode> _episodes = [];
        private readonly EpisodeInspector _inspector = new(fps);
        private DatasetWriterPump? _pump;
        private RecordPhase _lastPhase = RecordPhase.Starting;
        private double _lastReport;
        private double _lastStats = double.NegativeInfinity;
        private LoopStats? _stats;
        private int _rerecorded;
        private long _savedFrames;
        private int _episodeIndex;
        // Index of the first episode of this session, and of the next one to record (saves may still be in flight,
        // so the count of saved episodes lags behind what the operator is doing).
        private int _firstIndex, _nextIndex;
        private int _frames;
        private double _phaseEnd;

        public RecordResult Run(CancellationToken cancel)
        {
            var started = Stopwatch.StartNew();
            var stopReason = RecordStopReason.Completed;
            var frameBytes = source.Schema.VisualFeatures.Sum(f => (long)f.Shape.Aggregate(1, (a, b) => a * b));
            using var pump = _pump = new DatasetWriterPump(writer, options.QueueCapacityAt(fps, frameBytes), _log);
            // Saves handed to the writer and not yet reported, oldest first. The next episode does not wait for them:
            // its frames queue behind the save in the writer's queue (same order as before), so the time between
            // episodes is the reset phase alone; only a full queue (a save slower than the queue's seconds) shows.
            var pendingSaves = new Queue<PendingSave>();
            _firstIndex = _nextIndex = pump.EpisodeCount;
            var episodeOpen = false;
            try
            {
                var maxFrames = Math.Max(1, (int)Math.Round(options.EpisodeTimeS * fps));
                var stop = false;
                while (_episodes.Count + pendingSaves.Count < options.Episodes && !stop)
                {
                    CompleteFinished(pendingSaves, cancel, all: false);
                    _episodeIndex = _nextIndex;
                    var seed = unchecked(options.Seed + _episodeIndex);
                    source.BeginEpisode(_episodeIndex, seed);
                    var droppedBefore = pump.Dropped;
                    long repeats = 0;
                    bool? success = null;
                    var endedBy = "time";
                    _frames = 0;
                    _phaseEnd = maxFrames;
                    _inspector.Begin();
                    episodeOpen = true;
                    var request = RecordRequest.None;
                    var clock = Stopwatch.StartNew();
                    var startS = started.Elapsed.TotalSeconds;
                    _loop.Restart();
                    Report(RecordPhase.Recording, force: true);
                    while (_frames < maxFrames)
                    {
                        _loop.WaitForNextTick(cancel);
                        request = control?.Take() ?? RecordRequest.None;
                        if (request != RecordRequest.None) { endedBy = request == RecordRequest.Stop ? "stop" : "operator"; break; }
                        var tick = source.Tick();
                        if (_frames == 0) startS = started.Elapsed.TotalSeconds;
                        if (_loop.Realtime) pump.TryAddFrame(tick.Frame);
                        else pump.AddFrame(tick.Frame, cancel); // no real time to protect: wait for the writer, lose nothing
                        _inspector.Add(tick.Frame);
                        _frames++;
                        repeats += tick.CameraRepeats;
                        success = tick.Success ?? success;
                        // The previous episode's save finishing mid-episode shows in the progress at once.
                        if (pendingSaves.TryPeek(out var previous) && previous.Save.IsCompleted) CompleteFinished(pendingSaves, cancel, all: false);
                        Report(RecordPhase.Recording);
                        if (tick.Done && options.EndOnDone) { endedBy = "done"; break; }
                    }
                    _loop.EndTick();
                    var duration = clock.Elapsed.TotalSeconds;
                    var endS = started.Elapsed.TotalSeconds;
                    var dropped = pump.Dropped - droppedBefore;

                    if (request == RecordRequest.Rerecord || _frames == 0)
                    {
                        pump.DiscardEpisodeAsync().Wait(cancel);
                        episodeOpen = false;
                        if (request == RecordRequest.Rerecord)
                        {
                            _rerecorded++;
                            _log.LogInformation("episode {Episode} dropped after {Frames} frames; re-recording it", _episodeIndex, _frames);
                        }
                    }
                    else
                    {
                        if (dropped > 0)
                            _log.LogError("episode {Episode}: {Dropped} of {Frames} frames were dropped because the writer could not keep up; the episode has gaps — re-record it", _episodeIndex, dropped, _frames + dropped);
                        pendingSaves.Enqueue(new PendingSave(pump.SaveEpisodeAsync(task),
                            new EpisodeFacts(_frames - (int)dropped, seed, duration, dropped, repeats, success, endedBy, startS, endS, _inspector.Take(_nextIndex))));
                        _nextIndex++;
                        episodeOpen = false;
                    }
                    if (request == RecordRequest.Stop) { stop = true; stopReason = RecordStopReason.Stopped; break; }
                    if (_episodes.Count + pendingSaves.Count >= options.Episodes) break;
                    stop = ResetPhase(cancel);
                    if (stop) stopReason = RecordStopReason.Stopped;
                }
                if (pendingSaves.Count > 0)
                {
                    Report(RecordPhase.Saving, force: true);
                    CompleteFinished(pendingSaves, cancel, all: true);
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                stopReason = RecordStopReason.Cancelled;
                _log.LogWarning("recording cancelled; the unsaved episode {Episode} is discarded, saved episodes are kept", _episodeIndex);
                // An episode already handed to the writer is still committed; the open one is dropped.
                if (episodeOpen) TryQuietly(() => pump.DiscardEpisodeAsync().Wait());
                TryQuietly(() => CompleteFinished(pendingSaves, CancellationToken.None, all: true));
            }
            catch (Exception e)
            {
                _log.LogError(e, "recording failed during episode {Episode}", _episodeIndex);
                // Torque off before anything else can go wrong; then drop the open episode and keep the saved ones.
                source.Dispose();
                if (episodeOpen) TryQuietly(() => pump.DiscardEpisodeAsync().Wait());
                foreach (var pending in pendingSaves) TryQuietly(() => pending.Save.Wait());
                if (e is AggregateException { InnerException: RobotHostException inner }) throw new RobotHostException(inner.Message, e);
                throw;
            }
            finally
            {
                source.Dispose();
            }

            var result = new RecordResult(Path.GetFullPath(options.Root), _episodes.ToList(), pump.EpisodeCount, _rerecorded, stopReason,
                _loop.Stats, pump.Dropped, pump.MaxDepth, pump.Capacity, started.Elapsed.TotalSeconds);
            Report(RecordPhase.Done, force: true);
            _log.LogInformation("{Summary}", result.Summary());
            return result;
        }

        /// <summary>Reports the saves that are done, in order; with <paramref name="all"/>, waits for every one (the time waited is recorded).</summary>
        private void CompleteFinished(Queue<PendingSave> pending, CancellationToken cancel, bool all)
        {
            while (pending.TryPeek(out var next) && (all || next.Save.IsCompleted))
            {
                var alreadyDone = next.Save.IsCompleted;
                var waited = Stopwatch.StartNew();
                var saved = WaitFor(next.Save, cancel);
                pending.Dequeue();
                Complete(saved, next.Episode, alreadyDone ? 0 : waited.Elapsed.TotalSeconds);
            }
        }

        /// <summary>The reset phase: teleoperation continues, nothing is recorded. Returns true when the operator stopped.</summary>
        private bool ResetPhase(CancellationToken cancel)
        {
            if (!_loop.Realtime || options.ResetTimeS <= 0) return false;
            var end = HostClock.Now + options.ResetTimeS;
            _loop.Restart();
            Report(RecordPhase.Reset, force: true);
            try
            {
                while (HostClock.Now < end)
                {
                    _loop.WaitForNextTick(cancel);
                    _phaseEnd = end;
                    switch (control?.Take() ?? RecordRequest.None)
                    {
                        case RecordRequest.Stop: return true;
                        case RecordRequest.NextEpisode: return false;
                    }
                    source.ResetTick();
                    Report(RecordPhase.Reset);
                }
                return false;
            }
            finally
            {
                _loop.EndTick();
            }
        }

        private (int EpisodeIndex, double SaveSeconds) WaitFor(Task<(int EpisodeIndex, double SaveSeconds)> save, CancellationToken cancel)
        {
            try
            {
                save.Wait(cancel);
                return save.Result;
            }
            catch (AggregateException e) when (e.InnerException is not null)
            {
                _pump!.ThrowIfFaulted();
                throw new RobotHostException($"saving episode failed: {e.InnerException.Message}", e.InnerException);
            }
        }

        private void Complete((int EpisodeIndex, double SaveSeconds) saved, EpisodeFacts e, double waitS)
        {
            // The dataset check's single-episode findings, told while the operator can still re-record.
            var series = e.Series is { } s && s.Episode != saved.EpisodeIndex ? WithIndex(s, saved.EpisodeIndex) : e.Series;
            var warnings = _inspector.Inspect(series);
            foreach (var warning in warnings)
            {
                _log.LogWarning("check: {Warning:l}", warning); // :l — no quotes in the log pane
                (progress as IRecordNotices)?.Notice("check: " + warning);
            }
            var episode = new RecordedEpisode(saved.EpisodeIndex, e.Frames, e.Seed, e.DurationS, saved.SaveSeconds, waitS, e.Dropped, e.Repeats, e.Success, e.EndedBy, warnings)
            {
                StartS = e.StartS,
                EndS = e.EndS,
            };
            _episodes.Add(episode);
            _savedFrames += e.Frames;
            _log.LogInformation("saved episode {Episode}: {Frames} frames in {Duration:F1} s (ended by {EndedBy}{Success}), save {Save:F0} ms, waited {Wait:F0} ms, dropped {Dropped}, camera repeats {Repeats}",
                episode.EpisodeIndex, episode.Frames, episode.DurationS, episode.EndedBy, e.Success is null ? "" : e.Success.Value ? ", success" : ", no success",
                episode.SaveS * 1000, episode.WaitS * 1000, episode.DroppedFrames, episode.CameraRepeats);
        }

        private static EpisodeSeries WithIndex(EpisodeSeries s, int index) => new()
        {
            Episode = index, FromIndex = s.FromIndex, Task = s.Task, State = s.State, Action = s.Action, Timestamps = s.Timestamps, Success = s.Success,
        };

        private void Report(RecordPhase phase, bool force = false)
        {
            if (progress is null) return;
            var now = HostClock.Now;
            if (!force && phase == _lastPhase && now - _lastReport < options.ProgressInterval.TotalSeconds) return;
            _lastPhase = phase;
            _lastReport = now;
            var timeLeft = phase switch
            {
                RecordPhase.Recording => Math.Max(0, (_phaseEnd - _frames) / fps),
                RecordPhase.Reset => Math.Max(0, _phaseEnd - now),
                _ => 0,
            };
            var pump = _pump!;
            // Percentiles sort the loop's recent window: refresh them a few times a second, not on every tick.
            if (_stats is null || force || now - _lastStats >= 0.25)
            {
                _stats = _loop.Stats;
                _lastStats = now;
            }
            var index = phase == RecordPhase.Reset ? _nextIndex : _episodeIndex;
            progress.Report(new RecordProgress(phase, index,
                Math.Min(options.Episodes, index - _firstIndex + 1), options.Episodes, timeLeft,
                phase == RecordPhase.Recording ? _frames : 0, _savedFrames + (phase == RecordPhase.Recording ? _frames : 0), _episodes.Count,
                _stats, pump.Dropped, pump.Depth, pump.Capacity));
        }

        /// <summary>An episode handed to the writer, waiting for its commit.</summary>
        private sealed record PendingSave(Task<(int EpisodeIndex, double SaveSeconds)> Save, EpisodeFacts Episode);

        /// <summary>What the loop measured of an episode before its save completed.</summary>
        private sealed record EpisodeFacts(int Frames, int Seed, double DurationS, long Dropped, long Repeats, bool? Success, string EndedBy, double StartS, double EndS, EpisodeSeries? Series);

        private void TryQuietly(Action action)
        {
            try { action(); }
            catch (Exception e) { _log.LogWarning(e, "while stopping the recording"); }
        }
    }
}
