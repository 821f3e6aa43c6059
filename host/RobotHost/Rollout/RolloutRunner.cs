using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RobotHost.Control;
using RobotHost.Evaluation;
using RobotHost.Sdk;

namespace RobotHost.Rollout;

/// <summary>
/// Drives a real <see cref="IRobot"/> with a policy: observe → predict → act at a fixed rate (<see cref="RateLoop"/>), safely.
/// <list type="bullet">
/// <item>Garbage actions (NaN, wrong size, beyond bounds; <see cref="ActionGuard"/>) are never sent: the robot holds (its present position is sent).</item>
/// <item>Each goal moves at most <see cref="RolloutOptions.MaxStep"/> from the present position per tick; the robot's own calibrated limits clamp after that.</item>
/// <item>Inference runs on a worker, one tick ahead by default (<see cref="RolloutOptions.InferenceAhead"/>): the tick sends the action the
/// worker computed from the previous observation, so the loop never waits for the network.</item>
/// <item>Watchdog: policy inference gets <see cref="RolloutOptions.WatchdogMs"/>; bus I/O is timed too. A miss holds;
/// <see cref="RolloutOptions.MaxConsecutiveMisses"/> in a row, or one miss of <see cref="RolloutOptions.HardMissPeriods"/> periods, turns torque
/// off and fails with a <see cref="RobotHostException"/>. A monitor thread turns torque off if one bus call hangs that long.</item>
/// <item>Chunks (<see cref="RolloutOptions.ChunkExecution"/> async or rtc, an <see cref="IChunkPolicy"/>): each tick executes the
/// current chunk's action for that tick; once the chunk has executed its execution horizon, the worker replays the
/// observations since its last request through <see cref="IChunkPolicy.Observe"/> and predicts the next chunk, which takes
/// over on arrival at the action meant for that tick. The watchdog then guards the time the robot holds without an action:
/// a chunk that runs out before the next arrives holds, a hold longer than <see cref="RolloutOptions.WatchdogMs"/> is a
/// missed deadline, and one of <see cref="RolloutOptions.HardMissPeriods"/> periods turns torque off. An inference may take
/// any time while the robot still has actions to execute.</item>
/// <item>Torque off (<see cref="IRobot.Disconnect"/>) on every exit path: end, cancellation, exception.</item>
/// <item>Takeover (human-gated DAgger): when the rig has a teleoperator, <see cref="Takeover"/> hands the robot to it and back.
/// A teleoperator that can (<see cref="IMirrorsRobot"/>) follows the robot's goals while the policy drives and goes limp at
/// takeover; every goal, the person's too, stays within the max step of the present position, so a handover ramps.</item>
/// </list>
/// The runner disconnects the rig it is given (robot first, then teleoperator and cameras); the policy stays the caller's.
/// </summary>
public sealed class RolloutRunner
{
    private const int LoggedGarbage = 5;

    private readonly Rig _rig;
    private readonly IRobot _robot;
    private readonly IReadOnlyList<ICamera> _cameras;
    private readonly IPolicy _policy;
    private readonly RolloutOptions _options;
    private readonly ILogger _log;
    private readonly IReadOnlyList<string> _actionNames;
    private readonly IReadOnlyList<string> _neededCameras;
    private readonly ActionGuard _guard;
    private readonly double _hz;
    private readonly IChunkPolicy? _chunkPolicy; // set only when chunks execute asynchronously (async, rtc)
    private readonly int _horizon;
    private ChunkRun _run = new();
    private Task<ChunkArrival>? _chunkInference;
    private double _warmUpMs;
    private long _busCallStart; // Stopwatch ticks of the bus call in progress, 0 when none (read by the monitor thread)
    private volatile string? _monitorTrip;
    private long _inferenceStart; // Stopwatch ticks when the policy call in flight started
    private InferenceWorker? _worker;
    private Counts _counts = new();
    private Task<float[]>? _inference;
    private CancellationTokenSource? _monitorStop;
    private Thread? _monitor;
    private readonly ITeleoperator? _takeover;
    private readonly IMirrorsRobot? _mirror;
    private bool _inTakeover;
    private bool _mirroring;
    private int _rampTicks; // ticks after a handover whose step is still measured

    /// <summary>A runner for one robot, its cameras and a loaded policy.</summary>
    /// <exception cref="RobotHostException">The policy's features do not match the robot's or the cameras'.</exception>
    public RolloutRunner(IRobot robot, IReadOnlyList<ICamera> cameras, IPolicy policy, RolloutOptions options, ILogger log)
        : this(new Rig(robot, null, cameras, log), policy, options, log)
    {
    }

    /// <summary>A runner for a rig (robot and cameras; the runner disconnects the whole rig when it ends) and a loaded policy.</summary>
    /// <exception cref="RobotHostException">The policy's features do not match the robot's or the cameras'.</exception>
    /// <param name="rig">Robot and cameras; its teleoperator, when there is one, is who takes over from the policy.</param>
    /// <param name="policy">The loaded policy.</param>
    /// <param name="options">Rate, length and safety limits.</param>
    /// <param name="log">Where the rollout logs.</param>
    /// <param name="takeover">Who drives; flipped from any thread (the t key). A new one when null.</param>
    public RolloutRunner(Rig rig, IPolicy policy, RolloutOptions options, ILogger log, TakeoverSwitch? takeover = null)
    {
        ArgumentNullException.ThrowIfNull(rig);
        options.Validate();
        _rig = rig;
        var robot = rig.Robot;
        var cameras = rig.Cameras;
        _robot = robot;
        _cameras = cameras;
        _policy = policy;
        _options = options;
        _log = log;
        _hz = options.Fps ?? (policy.Info.Fps > 0 ? policy.Info.Fps : 30);
        _actionNames = policy.Info.ActionFeature.Names ?? throw new RobotHostException($"policy '{policy.Info.PolicyType}' has an action feature without names; it cannot drive a robot");
        var stateNames = robot.StateFeature.Names ?? [];
        var robotActions = robot.ActionFeature.Names ?? [];
        var missing = _actionNames.Where(n => !robotActions.Contains(n) || !stateNames.Contains(n)).ToList();
        if (missing.Count > 0)
            throw new RobotHostException($"policy '{policy.Info.PolicyType}' acts on {string.Join(", ", missing)}, which robot '{robot.RobotType}' does not have (its joints: {string.Join(", ", robotActions)}); use a checkpoint trained on this robot");
        foreach (var input in policy.Info.InputFeatures.Where(f => !f.IsVisual && f.Names is not null))
        {
            var absent = input.Names!.Where(n => !stateNames.Contains(n)).ToList();
            if (absent.Count > 0)
                throw new RobotHostException($"policy '{policy.Info.PolicyType}' reads {string.Join(", ", absent)}, which robot '{robot.RobotType}' does not observe; use a checkpoint trained on this robot");
        }
        _neededCameras = policy.Info.InputFeatures.Where(f => f.IsVisual).Select(f => CameraName(f.Key)).ToList();
        var absentCameras = _neededCameras.Where(n => cameras.All(c => c.Name != n)).ToList();
        if (absentCameras.Count > 0)
            throw new RobotHostException($"policy '{policy.Info.PolicyType}' needs camera(s) {string.Join(", ", absentCameras)}; add them with --cameras (have: {(cameras.Count == 0 ? "none" : string.Join(", ", cameras.Select(c => c.Name)))})");
        if (options.ChunkExecution != ChunkExecution.Sync)
        {
            var mode = options.ChunkExecution.Name();
            _chunkPolicy = policy as IChunkPolicy
                ?? throw new RobotHostException($"rollout --chunk-execution {mode} needs a policy that predicts action chunks; '{policy.Info.PolicyType}' does not (an ensemble of checkpoints never does): drive one checkpoint, or use --chunk-execution sync");
            if (options.ChunkExecution == ChunkExecution.Rtc && !_chunkPolicy.SupportsGuidance)
                throw new RobotHostException($"rollout --chunk-execution rtc needs a policy that can guide its sampling toward the executing chunk; '{policy.Info.PolicyType}' cannot: use --chunk-execution async");
            _horizon = options.ExecutionHorizon ?? _chunkPolicy.ExecutionHorizon;
            if (_horizon < 1 || _horizon > _chunkPolicy.ChunkLength)
                throw new RobotHostException($"rollout --execution-horizon {_horizon} must be between 1 and the policy's chunk length {_chunkPolicy.ChunkLength}");
        }
        _guard = new ActionGuard(_actionNames, options.ActionLow, options.ActionHigh, options.MagnitudeLimit);
        _takeover = rig.Teleoperator;
        _mirror = _takeover as IMirrorsRobot;
        Takeover = takeover ?? new TakeoverSwitch();
        if (_takeover is not null)
        {
            var lacks = _actionNames.Except(_takeover.ActionFeature.Names ?? []).ToList();
            if (lacks.Count > 0)
                throw new RobotHostException($"the takeover teleoperator's actions lack {string.Join(", ", lacks)} that policy '{policy.Info.PolicyType}' drives; pick a teleoperator made for robot '{robot.RobotType}' (e.g. so101_leader for so101_follower)");
        }
    }

    /// <summary>Who drives: the t key flips it. Without a teleoperator in the rig the policy always drives.</summary>
    public TakeoverSwitch Takeover { get; }

    /// <summary>Handovers from the policy to the person so far.</summary>
    public long Takeovers => Interlocked.Read(ref _counts.Takeovers);

    /// <summary>Ticks the person drove so far.</summary>
    public long TakeoverTicks => Interlocked.Read(ref _counts.TakeoverTicks);

    /// <summary>Control rate in use, Hz.</summary>
    public double Hz => _hz;

    /// <summary>
    /// Runs the rollout; connects the robot if needed and always disconnects it (torque off) before returning or throwing.
    /// </summary>
    /// <returns>Counts and loop timing; <see cref="RolloutStop.Cancelled"/> when <paramref name="cancel"/> fired.</returns>
    /// <exception cref="RobotHostException">The watchdog stopped the rollout (torque is off), or the robot failed.</exception>
    public RolloutResult Run(IProgress<RolloutProgress>? progress = null, CancellationToken cancel = default)
    {
        var loop = new RateLoop(_hz);
        var episodes = 0;
        var stop = RolloutStop.Completed;
        try
        {
            Start();
            for (var episode = 0; episode < _options.Episodes; episode++)
            {
                if (episode > 0 && _options.ResetSeconds > 0) HoldFor(loop, _options.ResetSeconds, cancel);
                episodes++;
                BeginEpisode();
                loop.Restart();
                var start = Stopwatch.GetTimestamp();
                var lastReport = start;
                long tick = 0;
                IReadOnlyDictionary<string, float> sent = new Dictionary<string, float>();
                while (_options.DurationSeconds is not { } duration || Stopwatch.GetElapsedTime(start).TotalSeconds < duration)
                {
                    loop.WaitForNextTick(cancel);
                    sent = Step(cancel).Sent.Values;
                    tick++;
                    if (progress is not null && Stopwatch.GetElapsedTime(lastReport).TotalSeconds >= 0.5)
                    {
                        lastReport = Stopwatch.GetTimestamp();
                        progress.Report(Progress(episode, tick, Stopwatch.GetElapsedTime(start).TotalSeconds, loop.Stats, sent));
                    }
                }
                loop.EndTick();
                _log.LogInformation("rollout episode {Episode}: {Ticks} ticks, loop {Stats}", episode, tick, loop.Stats);
                progress?.Report(Progress(episode, tick, Stopwatch.GetElapsedTime(start).TotalSeconds, loop.Stats, sent));
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            stop = RolloutStop.Cancelled;
        }
        finally
        {
            Stop();
        }
        loop.EndTick();
        return Result(stop, episodes, loop.Stats);
    }

    /// <summary>Connects the rig if needed, starts the inference worker and the bus monitor, and warms the policy up.</summary>
    internal void Start()
    {
        _counts = new Counts();
        _inTakeover = _mirroring = false;
        if (!_robot.IsConnected) _rig.Connect();
        _worker = new InferenceWorker();
        _monitorStop = new CancellationTokenSource();
        _monitor = StartMonitor(_monitorStop.Token);
        WarmUp();
        StartMirroring();
        _log.LogInformation("rollout of {Policy} on {Robot} at {Hz} Hz: {Episodes} episode(s) of {Duration}, max step {MaxStep}, watchdog {Watchdog} ms, chunk execution {Chunks}",
            _policy.Info.PolicyType, _robot.RobotType, _hz, _options.Episodes, _options.DurationSeconds is { } d ? $"{d} s" : "until stopped", _options.MaxStep, _options.WatchdogMs,
            _chunkPolicy is null ? "sync" : $"{_options.ChunkExecution.Name()} (horizon {_horizon} of {_chunkPolicy.ChunkLength})");
    }

    /// <summary>A new episode: no action of the last one may arrive late, and the policy forgets its history.</summary>
    internal void BeginEpisode()
    {
        Drain(ref _inference);
        Drain(ref _chunkInference);
        _run = new ChunkRun();
        _policy.Reset();
    }

    /// <summary>Torque off first (the whole rig, robot first), then the monitor and the inference worker. Safe to call twice.</summary>
    internal void Stop()
    {
        _monitorStop?.Cancel();
        // Torque off first: nothing below may delay it.
        _rig.Disconnect();
        _monitor?.Join(TimeSpan.FromSeconds(1));
        _monitor = null;
        // A policy still computing must not run on after its caller disposes it.
        Drain(ref _inference);
        Drain(ref _chunkInference);
        _worker?.Dispose();
        _worker = null;
        _monitorStop?.Dispose();
        _monitorStop = null;
    }

    /// <summary>What the rollout did so far, with the timing of the loop that drove it.</summary>
    internal RolloutResult Result(RolloutStop stop, int episodes, LoopStats loop)
    {
        var c = _counts;
        var result = new RolloutResult(stop, episodes, c.Ticks, c.PolicyActions, c.Holds, c.Garbage, c.Misses, c.StepLimited, loop)
        {
            Takeovers = c.Takeovers, TakeoverTicks = c.TakeoverTicks, HandoverMaxStep = c.HandoverMaxStep,
            Chunking = _chunkPolicy is null ? null : ChunkStats.Of(_options.ChunkExecution, c.Chunks, c.Boundaries, c.ChunkHolds, c.InferenceMs),
        };
        _log.LogInformation("rollout end ({Stop}), torque off: {Ticks} ticks, {Holds} holds, {Garbage} garbage, {Misses} missed deadlines, loop {Stats}",
            stop, result.Ticks, result.Holds, result.GarbageActions, result.DeadlineMisses, result.Loop);
        if (result.Chunking is { } chunks) _log.LogInformation("rollout chunks: {Chunks}", chunks);
        return result;
    }

    /// <summary>The rollout's state now: the counts so far with the loop's timing and the goal last sent.</summary>
    internal RolloutProgress Progress(int episode, long tick, double elapsedS, LoopStats loop, IReadOnlyDictionary<string, float> sent) =>
        new(episode, tick, elapsedS, _counts.Holds, loop, sent) { Takeovers = Takeovers, TakeoverTicks = TakeoverTicks, InTakeover = _inTakeover };

    /// <summary>One control tick: observe, take the policy's action (or the person's, or hold), limit it, send it.</summary>
    internal RolloutStep Step(CancellationToken cancel)
    {
        var counts = _counts;
        ref var inference = ref _inference;
        counts.Ticks++;
        SwitchSourceIfAsked();
        var periodMs = 1000.0 / _hz;
        var hardMs = _options.HardMissPeriods * periodMs;
        var busWatch = Stopwatch.StartNew();
        var observation = Bus(_robot.GetObservation);
        var busMs = busWatch.Elapsed.TotalMilliseconds;
        var present = new float[_actionNames.Count];
        for (var i = 0; i < present.Length; i++)
            present[i] = observation.Values.TryGetValue(_actionNames[i], out var v) ? v : float.NaN;

        string? hold = null;
        var missed = false;
        float[]? action = null;
        var images = ReadCameras();
        var noFrame = _neededCameras.FirstOrDefault(n => !images.ContainsKey(n));

        if (_inTakeover)
        {
            // The person drives: the leader's pose is the goal, limited below like any goal, so a handover ramps.
            var lead = Bus(_takeover!.GetAction);
            action = _actionNames.Select(n => lead.Values.TryGetValue(n, out var x) ? x : float.NaN).ToArray();
            Interlocked.Increment(ref counts.TakeoverTicks);
        }
        else if (_chunkPolicy is not null)
        {
            action = NextChunkAction(observation, images, noFrame is null, ref hold, ref missed);
        }
        else if (_options.InferenceAhead)
        {
            // Pipelined: send what the worker computed from the previous tick's observation, then hand it this tick's.
            // The tick itself never waits for the network, so the loop keeps its period; the price is one period of latency.
            if (inference is { IsCompleted: false })
            {
                var runningMs = Stopwatch.GetElapsedTime(_inferenceStart).TotalMilliseconds;
                missed = runningMs > _options.WatchdogMs;
                hold = missed ? $"policy inference took longer than {_options.WatchdogMs} ms" : "policy inference from an earlier tick not finished yet";
            }
            else
            {
                if (inference is not null)
                {
                    action = inference.GetAwaiter().GetResult(); // a crashed policy ends the rollout (torque off in finally)
                    inference = null;
                }
                else hold = "first tick of the episode: no action computed yet";
                if (noFrame is not null) hold ??= $"no frame yet from camera '{noFrame}'";
                else inference = StartInference(observation, images);
            }
        }
        else if (inference is { IsCompleted: false })
        {
            // The policy is still busy with an earlier tick's observation: a second call may not overlap it.
            missed = true;
            hold = "policy inference still running from an earlier tick";
        }
        else if (noFrame is not null)
        {
            hold = $"no frame yet from camera '{noFrame}'";
        }
        else
        {
            if (inference is { IsFaulted: true }) inference.GetAwaiter().GetResult(); // a crashed policy ends the rollout (torque off in finally)
            inference = StartInference(observation, images);
            if (inference.Wait(_options.WatchdogMs, cancel))
            {
                action = inference.GetAwaiter().GetResult();
                inference = null;
            }
            else
            {
                missed = true;
                hold = $"policy inference took longer than {_options.WatchdogMs} ms";
            }
        }

        if (action is not null && _guard.Check(action) is { } garbage)
        {
            counts.Garbage++;
            hold = $"garbage action: {garbage}";
            if (counts.Garbage <= LoggedGarbage || counts.Garbage % 100 == 0)
                _log.LogWarning("rollout tick {Tick}: {Reason}; holding position (garbage action #{Count})", counts.Ticks, garbage, counts.Garbage);
            action = null;
        }

        float[] goal;
        if (action is null)
        {
            counts.Holds++;
            goal = present;
            if (missed) _log.LogWarning("rollout tick {Tick}: {Reason}; holding position", counts.Ticks, hold);
        }
        else
        {
            goal = (float[])action.Clone();
            if (StepLimiter.Limit(goal, present, _options.MaxStep)) counts.StepLimited++;
            if (!_inTakeover) counts.PolicyActions++;
        }
        var names = _actionNames;
        if (goal.Any(float.IsNaN))
        {
            var keep = Enumerable.Range(0, goal.Length).Where(i => !float.IsNaN(goal[i])).ToList();
            names = keep.Select(i => _actionNames[i]).ToList();
            goal = keep.Select(i => goal[i]).ToArray();
        }
        busWatch.Restart();
        var sent = Bus(() => _robot.SendAction(new RobotAction(Enumerable.Range(0, names.Count).ToDictionary(i => names[i], i => goal[i]))));
        busMs += busWatch.Elapsed.TotalMilliseconds;

        if (busMs > _options.WatchdogMs)
        {
            missed = true;
            _log.LogWarning("rollout tick {Tick}: bus I/O took {Ms:F0} ms (deadline {Deadline} ms)", counts.Ticks, busMs, _options.WatchdogMs);
            if (busMs > hardMs) Trip($"bus I/O took {busMs:F0} ms in one tick, more than {_options.HardMissPeriods}× the {periodMs:F1} ms period");
        }
        if (missed)
        {
            counts.Misses++;
            counts.ConsecutiveMisses++;
            if (inference is { IsCompleted: false } && Stopwatch.GetElapsedTime(_inferenceStart).TotalMilliseconds is var lateMs && lateMs > hardMs)
                Trip($"policy inference has run {lateMs:F0} ms, more than {_options.HardMissPeriods}× the {periodMs:F1} ms period");
            if (counts.ConsecutiveMisses >= _options.MaxConsecutiveMisses)
                Trip($"{counts.ConsecutiveMisses} consecutive ticks missed the {_options.WatchdogMs} ms deadline ({hold ?? "bus I/O too slow"})");
        }
        else
        {
            counts.ConsecutiveMisses = 0;
        }
        if (_rampTicks > 0)
        {
            _rampTicks--;
            for (var i = 0; i < _actionNames.Count; i++)
                if (sent.Values.TryGetValue(_actionNames[i], out var to) && float.IsFinite(present[i]))
                    counts.HandoverMaxStep = Math.Max(counts.HandoverMaxStep, Math.Abs(to - present[i]));
        }
        if (_mirroring && !_inTakeover) MirrorQuietly(sent);
        return new RolloutStep(observation, images, sent, _inTakeover ? FrameSource.Takeover : FrameSource.Policy);
    }

    /// <summary>Hands over between policy and person when the switch asks for it; the goal limit makes the follower ramp.</summary>
    private void SwitchSourceIfAsked()
    {
        var want = _takeover is not null && Takeover.Requested;
        if (want == _inTakeover) return;
        _inTakeover = want;
        _rampTicks = Math.Max(1, (int)Math.Ceiling(_hz)); // measure the steps for one second after the handover
        if (want)
        {
            Interlocked.Increment(ref _counts.Takeovers);
            // Leader torque off: the person starts from the pose it is in, which mirrored the follower.
            if (_mirroring) StopMirroring();
            _log.LogInformation("takeover #{Count}: {Teleop} drives {Robot}", _counts.Takeovers, _takeover!.GetType().Name, _robot.RobotType);
        }
        else
        {
            // An action computed before the takeover is stale, and the policy starts afresh from the pose the person left.
            Drain(ref _inference);
            Drain(ref _chunkInference);
            _run = new ChunkRun(); // the chunk computed before the takeover is stale too: the first chunk is computed afresh
            // Reset only a policy at rest: a call still running after the drain's wait would race the reset.
            if (_inference is null && _chunkInference is null) _policy.Reset();
            StartMirroring();
            _log.LogInformation("the policy drives {Robot} again", _robot.RobotType);
        }
    }

    private void StartMirroring()
    {
        if (_mirror is null || _mirroring) return;
        try { _mirroring = _mirror.BeginMirroring(); }
        catch (Exception e) when (e is RobotHostException or IOException or TimeoutException)
        {
            _log.LogWarning(e, "the leader cannot hold torque to mirror the follower; handovers ramp instead");
        }
    }

    private void StopMirroring()
    {
        _mirroring = false;
        try { _mirror!.EndMirroring(); }
        catch (Exception e) when (e is RobotHostException or IOException or TimeoutException)
        {
            _log.LogWarning(e, "turning the leader's torque off at takeover failed");
        }
    }

    private void MirrorQuietly(RobotAction sent)
    {
        try { Bus(() => { _mirror!.Mirror(sent); return true; }); }
        catch (Exception e) when (_monitorTrip is null && e is not OperationCanceledException)
        {
            // The follower is what matters: a leader that stops answering only means handovers ramp from now on.
            _log.LogWarning(e, "the leader stopped mirroring the follower; handovers ramp from now on");
            StopMirroring();
        }
    }

    private Dictionary<string, CameraFrame> ReadCameras()
    {
        var images = new Dictionary<string, CameraFrame>();
        foreach (var camera in _cameras)
            if (camera.ReadLatest() is { } frame) images[camera.Name] = frame;
        return images;
    }

    private Task<float[]> StartInference(Observation observation, Dictionary<string, CameraFrame> images)
    {
        var input = new Observation { Values = observation.Values, Images = images, Timestamp = observation.Timestamp };
        _inferenceStart = Stopwatch.GetTimestamp();
        return Worker.Run(() => _policy.SelectAction(input));
    }

    private InferenceWorker Worker => _worker ?? throw new InvalidOperationException("no inference worker outside Run");

    /// <summary>
    /// This tick's action from the executing chunk (async, rtc), or null to hold. Takes a chunk that arrived, and asks for
    /// the next once the executing one has executed its horizon. The watchdog measures how long the robot has held since
    /// the chunk ran out: longer than <see cref="RolloutOptions.WatchdogMs"/> is a missed deadline, longer than
    /// <see cref="RolloutOptions.HardMissPeriods"/> periods trips. While the first chunk of an episode is computed the robot
    /// is at rest and holds without a miss; an inference running longer than twice the slowest one measured (the warm-up
    /// counts) plus the hard-miss margin trips.
    /// </summary>
    private float[]? NextChunkAction(Observation observation, Dictionary<string, CameraFrame> images, bool haveFrames, ref string? hold, ref bool missed)
    {
        var run = _run;
        var counts = _counts;
        var tick = run.Tick++;
        if (haveFrames) run.Observed.Add(new Observation { Values = observation.Values, Images = images, Timestamp = observation.Timestamp });
        if (_chunkInference is { IsCompleted: true } done)
        {
            _chunkInference = null;
            var arrival = done.GetAwaiter().GetResult(); // a crashed policy ends the rollout (torque off in finally)
            counts.InferenceMs.Add(arrival.Ms);
            counts.Chunks++;
            if (run.Chunk is not null) counts.Boundaries++;
            (run.Chunk, run.ChunkStart) = (arrival.Chunk, arrival.Tick);
        }
        if (_chunkInference is null && haveFrames && (run.Chunk is null || tick - run.ChunkStart >= _horizon))
            StartChunkInference(run, tick);

        var index = tick - run.ChunkStart;
        if (run.Chunk is not null && index < run.Chunk.Count)
        {
            run.RunOutAt = null;
            return run.Chunk[(int)index];
        }
        counts.ChunkHolds++;
        var periodMs = 1000.0 / _hz;
        var hardMs = _options.HardMissPeriods * periodMs;
        var runningMs = _chunkInference is null ? 0 : Stopwatch.GetElapsedTime(_inferenceStart).TotalMilliseconds;
        if (run.Chunk is null)
        {
            hold = haveFrames ? "waiting for the first chunk" : "no frame yet from every camera";
            var limitMs = 2 * Math.Max(_warmUpMs, counts.InferenceMs.Count > 0 ? counts.InferenceMs.Max() : 0) + hardMs;
            if (runningMs > limitMs)
                Trip($"the first chunk has taken {runningMs:F0} ms, more than twice the slowest inference so far plus {_options.HardMissPeriods}× the {periodMs:F1} ms period");
            return null;
        }
        run.RunOutAt ??= Stopwatch.GetTimestamp();
        var heldMs = Stopwatch.GetElapsedTime(run.RunOutAt.Value).TotalMilliseconds;
        hold = _chunkInference is null
            ? "the chunk ran out and no camera frame came to compute the next"
            : $"the chunk ran out {heldMs:F0} ms ago and the next is not computed yet (inference running {runningMs:F0} ms)";
        missed = heldMs > _options.WatchdogMs;
        if (heldMs > hardMs)
            Trip($"the robot has held {heldMs:F0} ms without an action, more than {_options.HardMissPeriods}× the {periodMs:F1} ms period: " +
                $"the next chunk (inference running {runningMs:F0} ms) took longer than the chunk left to execute; a smaller --execution-horizon starts it earlier");
        return null;
    }

    /// <summary>Hands the worker the observations since the last request (replayed through Observe on its thread) and asks for the next chunk.</summary>
    private void StartChunkInference(ChunkRun run, long tick)
    {
        var chunks = _chunkPolicy!;
        var observed = run.Observed.ToList();
        run.Observed.Clear();
        var guidance = _options.ChunkExecution == ChunkExecution.Rtc ? Guidance(run, tick) : null;
        var started = Stopwatch.GetTimestamp();
        _inferenceStart = started;
        _chunkInference = Worker.Run(() =>
        {
            foreach (var o in observed) chunks.Observe(o);
            var chunk = chunks.PredictChunk(guidance);
            return new ChunkArrival(chunk, tick, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
    }

    /// <summary>The executing chunk's actions from this tick on, the first <see cref="ExpectedDelayTicks"/> of them frozen; none before the first chunk.</summary>
    private ChunkGuidance? Guidance(ChunkRun run, long tick)
    {
        if (run.Chunk is null) return null;
        var left = run.Chunk.Skip((int)Math.Min(tick - run.ChunkStart, run.Chunk.Count)).ToList();
        return new ChunkGuidance(left, Math.Min(ExpectedDelayTicks(), left.Count));
    }

    /// <summary>
    /// Ticks the next inference is expected to take: the slowest of the last three measured (request to arrival; the
    /// warm-up before any), in ticks, rounded up. The actions of those ticks execute while it runs.
    /// </summary>
    private int ExpectedDelayTicks()
    {
        var measured = _counts.InferenceMs;
        var ms = measured.Count > 0 ? measured.TakeLast(3).Max() : _warmUpMs;
        return (int)Math.Ceiling(ms * _hz / 1000);
    }

    /// <summary>
    /// One dedicated thread runs the policy: a control loop must not wait for the .NET thread pool, which on a busy
    /// process can take hundreds of milliseconds to start a queued task (seen in CI: 20 ticks in a row held on an
    /// inference that had not started). One thread also keeps libtorch's per-thread settings in one place.
    /// </summary>
    private sealed class InferenceWorker : IDisposable
    {
        private readonly BlockingCollection<Action> _requests = new(boundedCapacity: 1);
        private readonly Thread _thread;

        public InferenceWorker()
        {
            _thread = new Thread(() =>
            {
                foreach (var job in _requests.GetConsumingEnumerable()) job();
            }) { IsBackground = true, Name = "rollout inference" };
            _thread.Start();
        }

        /// <summary>Hands the worker one policy call; the runner never has two in flight.</summary>
        public Task<T> Run<T>(Func<T> call)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _requests.Add(() =>
            {
                try { done.SetResult(call()); }
                catch (Exception e) { done.SetException(e); }
            });
            return done.Task;
        }

        public void Dispose()
        {
            _requests.CompleteAdding();
            _thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>A call still in flight (pipelined mode, or one that missed its deadline) must end before the policy is reset or disposed.</summary>
    private void Drain<T>(ref Task<T>? inference)
    {
        if (inference is null) return;
        try
        {
            if (!inference.Wait(TimeSpan.FromSeconds(5)))
            {
                _log.LogWarning("policy inference still running 5 s after its episode ended");
                return;
            }
        }
        catch (AggregateException e)
        {
            _log.LogWarning(e.InnerException, "policy inference failed after its episode ended");
        }
        inference = null;
    }

    /// <summary>
    /// One untimed inference on a real observation (its action is not sent): the first call of a TorchSharp policy
    /// JIT-compiles and allocates, and would otherwise trip the watchdog on tick 0.
    /// </summary>
    private void WarmUp()
    {
        var observation = Bus(_robot.GetObservation);
        var images = ReadCameras();
        if (_neededCameras.Any(n => !images.ContainsKey(n))) return;
        // On the inference thread, where every later call runs: its first-call costs (libtorch's per-thread set-up) are paid here.
        if (_chunkPolicy is { } chunks)
        {
            // The call chunks are made with; its time bounds the wait for each episode's first chunk and seeds rtc's delay.
            var input = new Observation { Values = observation.Values, Images = images, Timestamp = observation.Timestamp };
            var started = Stopwatch.GetTimestamp();
            Worker.Run(() =>
            {
                chunks.Observe(input);
                return chunks.PredictChunk();
            }).GetAwaiter().GetResult();
            _warmUpMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        else StartInference(observation, images).GetAwaiter().GetResult();
    }

    private void HoldFor(RateLoop loop, double seconds, CancellationToken cancel)
    {
        loop.Restart();
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
        {
            loop.WaitForNextTick(cancel);
            HoldTick();
        }
        loop.EndTick();
    }

    /// <summary>A tick between episodes: keep sending the present position, since robots with their own watchdog turn torque off when no goal arrives.</summary>
    internal void HoldTick()
    {
        var observation = Bus(_robot.GetObservation);
        var present = _actionNames.Where(observation.Values.ContainsKey).ToDictionary(n => n, n => observation.Values[n]);
        Bus(() => _robot.SendAction(new RobotAction(present)));
    }

    private T Bus<T>(Func<T> call)
    {
        if (_monitorTrip is { } reason) throw new RobotHostException($"rollout stopped by the watchdog: {reason}; torque is off");
        Interlocked.Exchange(ref _busCallStart, Stopwatch.GetTimestamp());
        try
        {
            return call();
        }
        catch (Exception) when (_monitorTrip is { } hung)
        {
            throw new RobotHostException($"rollout stopped by the watchdog: {hung}; torque is off");
        }
        finally
        {
            Interlocked.Exchange(ref _busCallStart, 0);
        }
    }

    private Thread StartMonitor(CancellationToken stop)
    {
        var hardMs = Math.Max(_options.HardMissPeriods * 1000.0 / _hz, _options.WatchdogMs);
        var thread = new Thread(() =>
        {
            while (!stop.WaitHandle.WaitOne(10))
            {
                var since = Interlocked.Read(ref _busCallStart);
                if (since == 0) continue;
                var ms = Stopwatch.GetElapsedTime(since).TotalMilliseconds;
                if (ms <= hardMs) continue;
                _monitorTrip = $"a bus call has hung for {ms:F0} ms";
                _log.LogError("rollout: {Reason}; turning torque off", _monitorTrip);
                _robot.Disconnect(); // IRobot allows this from any thread
                return;
            }
        }) { IsBackground = true, Name = "rollout bus monitor" };
        thread.Start();
        return thread;
    }

    private void Trip(string reason)
    {
        _log.LogError("rollout watchdog: {Reason}; torque off", reason);
        _robot.Disconnect();
        throw new RobotHostException($"rollout stopped by the watchdog: {reason}; torque is off. Use a faster policy or machine, a lower --fps, or a larger --watchdog-ms");
    }

    private static string CameraName(string featureKey) => featureKey[(featureKey.LastIndexOf('.') + 1)..];

    /// <summary>A chunk computed from the observation of <paramref name="Tick"/> (its first action is meant for that tick), <paramref name="Ms"/> after it was asked for.</summary>
    private readonly record struct ChunkArrival(IReadOnlyList<float[]> Chunk, long Tick, double Ms);

    /// <summary>The chunks of one stretch the policy drives (an episode, or from a handback on): restarted empty, so no stale chunk executes.</summary>
    private sealed class ChunkRun
    {
        public long Tick;
        public IReadOnlyList<float[]>? Chunk;
        public long ChunkStart;
        public long? RunOutAt; // Stopwatch ticks when the executing chunk ran out, null while it has actions
        public readonly List<Observation> Observed = []; // since the last request, replayed through Observe before the next chunk
    }

    private sealed class Counts
    {
        public long Ticks, PolicyActions, Holds, Garbage, Misses, StepLimited, Takeovers, TakeoverTicks, Chunks, Boundaries, ChunkHolds;
        public readonly List<double> InferenceMs = [];
        public float HandoverMaxStep;
        public int ConsecutiveMisses;
    }
}
