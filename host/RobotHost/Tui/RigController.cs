using Microsoft.Extensions.Logging;
using RobotHost.Control;
using RobotHost.Recording;
using RobotHost.Rollout;
using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Tui;

/// <summary>
/// What the TUI drives: the rig's devices (created once, wrapped so the UI sees the loop's newest readings), a recording
/// session or a policy run (the rig's teleoperator can take over; every tick is recorded into the corrections dataset, as
/// <c>robothost rollout --root</c> does) on a background thread, and the e-stop. The UI thread only calls methods here and
/// reads snapshots; the control loop never waits for the UI.
/// </summary>
public sealed class RigController : IDisposable
{
    private readonly HostSession _session;
    private readonly ILogger _log;
    private readonly Rig _rig;
    private RecordControl _control = new();
    private CancellationTokenSource? _cancel;
    private Task<RecordResult>? _recording;
    private volatile RecordProgress? _progress;
    private Task<RolloutResult>? _policyRun;
    private volatile RolloutProgress? _rolloutProgress;
    private volatile LoopStats? _loop;
    private volatile string? _rescanStatus;
    private volatile CorrectionCounts? _corrections;
    private Task? _rescan;

    /// <summary>
    /// Creates the rig described by <paramref name="options"/> (robot, teleoperator, cameras by key). Policy runs record
    /// into <paramref name="correctionsRoot"/>, by default the recording folder's name with <c>_corrections</c> appended.
    /// </summary>
    public RigController(HostSession session, RecordOptions options, string? correctionsRoot = null)
    {
        _session = session;
        Options = options;
        CorrectionsRoot = Path.GetFullPath(correctionsRoot ?? DefaultCorrectionsRoot(options.Root));
        SessionRoot = options.Root;
        _log = session.CreateLogger("RobotHost.Tui");
        if (options.TeleopKey is null) throw new RobotHostException("the TUI records from a teleoperator; pass --teleop (e.g. sim_expert or so101_leader)");
        _rig = Rig.Create(session.Catalog, options.RigSpec, _log, ObservedRobot.Wrap, camera => new ObservedCamera(camera));
        Robot = (ObservedRobot)_rig.Robot;
        Teleoperator = _rig.Teleoperator!;
        Cameras = _rig.Cameras.Cast<ObservedCamera>().ToList();
        Limits = new JointLimits(Robot.StateFeature);
    }

    /// <summary>Rig and recording settings.</summary>
    public RecordOptions Options { get; }
    /// <summary>The dataset the current (or last) recording session or policy run writes to.</summary>
    public string SessionRoot { get; private set; }
    /// <summary>The dataset policy runs record into (created by the first run, appended to by later ones).</summary>
    public string CorrectionsRoot { get; }
    /// <summary>What the corrections dataset held after the last policy run (null before one ended).</summary>
    public CorrectionCounts? Corrections => _corrections;
    /// <summary>The follower (e-stop target).</summary>
    public ObservedRobot Robot { get; }
    /// <summary>The leader or scripted expert.</summary>
    public ITeleoperator Teleoperator { get; }
    /// <summary>Cameras in order.</summary>
    public IReadOnlyList<ObservedCamera> Cameras { get; }
    /// <summary>Per-joint limits for the bars.</summary>
    public JointLimits Limits { get; }
    /// <summary>Plugins and their load failures.</summary>
    public HostSession Session => _session;

    /// <summary>Newest progress report of the current or last session.</summary>
    public RecordProgress? Progress => _progress;
    /// <summary>True while a recording session runs.</summary>
    public bool IsRecording => _recording is { IsCompleted: false };
    /// <summary>True while a policy drives the rig.</summary>
    public bool IsRunningPolicy => _policyRun is { IsCompleted: false };
    /// <summary>Newest progress of the current or last policy run (takeover counts included).</summary>
    public RolloutProgress? RolloutProgress => _rolloutProgress;
    /// <summary>Timing of the loop that drives the rig now (recording or policy run), or drove it last.</summary>
    public LoopStats? Loop => _loop;
    /// <summary>Who drives during a policy run: the policy, or the person at the teleoperator (t flips it).</summary>
    public TakeoverSwitch Takeover { get; } = new();
    /// <summary>True after the e-stop until the next start.</summary>
    public bool EStopped { get; private set; }
    /// <summary>The corrections folder for a recording folder: beside it, named after it.</summary>
    public static string DefaultCorrectionsRoot(string root) => Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + "_corrections";

    /// <summary>Result of the last finished session, or its error message.</summary>
    public string? LastOutcome { get; private set; }
    /// <summary>Sessions started.</summary>
    public int Sessions { get; private set; }

    /// <summary>Starts recording on a background thread; false when one is already running.</summary>
    public bool StartRecording()
    {
        if (IsRecording || IsRunningPolicy) return false;
        EStopped = false;
        _control = new RecordControl();
        _cancel?.Dispose();
        _cancel = new CancellationTokenSource();
        var options = Options with { Resume = Options.Resume || Sessions > 0 && Directory.Exists(Options.Root) };
        var control = _control;
        var token = _cancel.Token;
        var progress = new ProgressStore<RecordProgress>(p => { _progress = p; _loop = p.Loop; });
        var format = _session.Catalog.DatasetFormat(options.Format, options.Root);
        var rig = _rig;
        Sessions++;
        SessionRoot = options.Root;
        // The run counters belong to the last policy run, not to this session.
        _rolloutProgress = null;
        LastOutcome = null;
        _recording = InBackground("recording", "e-stop: recording cancelled",
            () => new Recorder(_session.CreateLogger("RobotHost.Recording")).Record(rig, format, options, control, progress, token),
            result => result.Summary().Split(Environment.NewLine)[0]);
        return true;
    }

    /// <summary>Runs a session on its own thread (never the thread pool's: the control loop must not wait for it); its one-line outcome lands in <see cref="LastOutcome"/>.</summary>
    private Task<T> InBackground<T>(string what, string eStopped, Func<T> work, Func<T, string> outcome) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                var result = work();
                LastOutcome = outcome(result);
                _log.LogInformation("{Outcome}", LastOutcome);
                return result;
            }
            catch (Exception e)
            {
                LastOutcome = EStopped ? eStopped : $"{what} failed: {e.Message}";
                _log.LogError(e, "{What} ended with an error", what);
                throw;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Runs the policy in <paramref name="checkpoint"/> on the rig on a background thread, with the rollout's limits, max step
    /// and watchdog; the teleoperator takes over while <see cref="Takeover"/> asks for it. Every tick is recorded with who
    /// drove it into <see cref="CorrectionsRoot"/> (appended to when it exists), in episodes of the recording plan
    /// (<see cref="Options"/>) with the recording keys: n next, r re-record, q save and stop (<see cref="StopPolicyRun"/>).
    /// False when a recording or a policy run is already going.
    /// </summary>
    public bool StartPolicyRun(string checkpoint, RolloutOptions? options = null)
    {
        if (IsRecording || IsRunningPolicy) return false;
        EStopped = false;
        _control = new RecordControl();
        _cancel?.Dispose();
        _cancel = new CancellationTokenSource();
        var control = _control;
        var token = _cancel.Token;
        Takeover.Request(false);
        _rolloutProgress = null;
        _progress = null;
        LastOutcome = null;
        SessionRoot = CorrectionsRoot;
        var log = _session.CreateLogger("RobotHost.Rollout");
        var progress = new ProgressStore<RolloutProgress>(p => { _rolloutProgress = p; _loop = p.Loop; });
        var recordProgress = new ProgressStore<RecordProgress>(p => _progress = p);
        var root = CorrectionsRoot;
        _policyRun = InBackground("policy run", "e-stop: policy run stopped, the episode in progress discarded", () =>
        {
            try
            {
                using var policy = PolicyLoader.Load(_session, [checkpoint]);
                // The runner checks the policy against the rig before anything moves; the recording path is the CLI rollout's.
                var runner = new RolloutRunner(_rig, policy, options ?? new RolloutOptions(), log, Takeover);
                var format = _session.Catalog.DatasetFormat(Options.Format, root);
                var recording = Options with { Root = root, Resume = format.CanOpen(root) };
                var result = RobotRollout.Record(_session, runner, _rig, recording, control, progress, recordProgress, token);
                // The counter stays on screen after the run with its final counts.
                _rolloutProgress = (_rolloutProgress ?? new RolloutProgress(0, result.Ticks, 0, result.Holds, result.Loop, new Dictionary<string, float>()))
                    with { Takeovers = result.Takeovers, TakeoverTicks = result.TakeoverTicks, InTakeover = false };
                return result;
            }
            finally
            {
                CountCorrections(root);
            }
        }, result => $"run {(result.Stop == RolloutStop.Completed ? "saved" : "cancelled,")} {result.Recording?.Episodes.Count ?? 0} episode(s), {result.Takeovers} takeover(s)");
        return true;
    }

    /// <summary>Saves the episode in progress and ends the policy run (q / Esc): torque off, as at the end of every rollout.</summary>
    public void StopPolicyRun() => _control.RequestStop();

    private void CountCorrections(string root)
    {
        try
        {
            if (!Directory.Exists(root)) return;
            using var reader = _session.Catalog.DatasetFormatFor(root).Open(root);
            _corrections = CorrectionCounts.Of(reader);
            _log.LogInformation("corrections in {Root}: {Counts}", root, _corrections);
        }
        catch (Exception e)
        {
            // The counts are for the screen only: a dataset the reader cannot count must not hide how the run ended.
            _log.LogWarning(e, "could not count the corrections in {Root}", root);
        }
    }

    /// <summary>Flips who drives a policy run (t); returns true when the person now drives.</summary>
    public bool ToggleTakeover() => Takeover.Toggle();

    /// <summary>Waits for the policy run to end (at most <paramref name="timeout"/>); true when it ended.</summary>
    public bool WaitForPolicyRun(TimeSpan timeout)
    {
        var task = _policyRun;
        if (task is null) return true;
        try { return task.Wait(timeout); }
        catch (AggregateException) { return true; }
    }

    /// <summary>Ends the current episode (→ / n).</summary>
    public void NextEpisode() => _control.RequestNextEpisode();
    /// <summary>Drops and re-records the current episode (← / r).</summary>
    public void Rerecord() => _control.RequestRerecord();
    /// <summary>Saves the current episode and stops (q / Esc).</summary>
    public void StopRecording() => _control.RequestStop();

    /// <summary>Newest plugin rescan result (or "rescanning…"), null before the first.</summary>
    public string? RescanStatus => _rescanStatus;

    /// <summary>True while a rescan runs.</summary>
    public bool IsRescanning => _rescan is { IsCompleted: false };

    /// <summary>
    /// Loads plugin folders dropped into the plugin directories since start (as ScriptGlobals.RescanPlugins does), on a
    /// worker thread: loading and JIT-compiling an assembly can take a second, the UI keeps drawing meanwhile.
    /// Plugins are never unloaded. False when a rescan already runs.
    /// </summary>
    public bool RescanPlugins()
    {
        if (IsRescanning) return false;
        _rescanStatus = "rescanning plugins…";
        _rescan = Task.Run(() =>
        {
            try
            {
                var added = _session.Plugins.LoadAll().Select(p => p.Name).ToList();
                _rescanStatus = added.Count == 0 ? "rescan: no new plugins" : $"rescan loaded {string.Join(", ", added)}";
                _log.LogInformation("{Status}", _rescanStatus);
            }
            catch (Exception e)
            {
                _rescanStatus = $"rescan failed: {e.Message}";
                _log.LogError(e, "plugin rescan failed");
            }
        });
        return true;
    }

    /// <summary>Waits for a running rescan (at most <paramref name="timeout"/>); true when none runs.</summary>
    public bool WaitForRescan(TimeSpan timeout) => _rescan?.Wait(timeout) ?? true;

    /// <summary>
    /// E-stop: torque off now (IRobot.Disconnect may be called from any thread), then cancel the session so the loop
    /// stops sending goals. Torque goes first: cancelling alone would wait for the loop's next tick.
    /// </summary>
    public void EmergencyStop()
    {
        EStopped = true;
        try { Robot.Disconnect(); }
        catch (Exception e) { _log.LogError(e, "e-stop: disconnecting the robot threw"); }
        _control.RequestStop();
        _cancel?.Cancel();
        _log.LogWarning("E-STOP: torque off on {Robot}", Robot.RobotType);
    }

    /// <summary>Waits for the recording thread to end (at most <paramref name="timeout"/>); true when it ended.</summary>
    public bool WaitForRecording(TimeSpan timeout)
    {
        var task = _recording;
        if (task is null) return true;
        try { return task.Wait(timeout); }
        catch (AggregateException) { return true; }
    }

    /// <summary>Stops recording (torque off on every path) and releases the devices.</summary>
    public void Dispose()
    {
        if (IsRunningPolicy)
        {
            StopPolicyRun();
            if (!WaitForPolicyRun(TimeSpan.FromSeconds(20))) { _cancel?.Cancel(); WaitForPolicyRun(TimeSpan.FromSeconds(10)); }
        }
        if (IsRecording)
        {
            _control.RequestStop();
            if (!WaitForRecording(TimeSpan.FromSeconds(20))) { _cancel?.Cancel(); WaitForRecording(TimeSpan.FromSeconds(10)); }
        }
        // Robot first (torque off), then the rest; the rig created the devices, so it releases them.
        _rig.Dispose();
        _cancel?.Dispose();
    }

    // Progress<T> posts to a SynchronizationContext; this one stores the snapshot on the loop's thread, no marshalling.
    private sealed class ProgressStore<T>(Action<T> store) : IProgress<T>
    {
        public void Report(T value) => store(value);
    }
}
