using RobotHost.Sdk;

namespace RobotHost.Evaluation;

/// <summary>One tick's action and how it came about.</summary>
/// <param name="Action">The action to send.</param>
/// <param name="Held">True when the robot holds its last action because no chunk action is ready (waiting for inference).</param>
/// <param name="NewChunk">True for the first action executed from a newly arrived chunk (a chunk boundary).</param>
public readonly record struct ExecutedAction(float[] Action, bool Held, bool NewChunk);

/// <summary>
/// Executes a policy's chunks against simulated time: inference "runs" for a delay counted in control ticks while the
/// simulator steps on. The model is called when the inference starts, with the observation of that tick, and its
/// chunk becomes usable when the delay has passed, so a rollout is deterministic for a seed.
/// <list type="bullet">
/// <item><see cref="ChunkExecution.Sync"/>: each inference blocks; the robot holds its last action for the delay,
/// then plays the chunk from its start.</item>
/// <item><see cref="ChunkExecution.Async"/>: the next inference starts when the current chunk has executed its
/// execution horizon (its remaining actions fall to chunk length − horizon); the chunk keeps executing meanwhile, and
/// the new one takes over on arrival at the action meant for that tick.</item>
/// <item><see cref="ChunkExecution.Rtc"/>: as async, and the new chunk is guided to continue the executing one; the
/// actions that execute during the delay are its first actions exactly.</item>
/// </list>
/// </summary>
public sealed class SimulatedChunkExecutor
{
    private readonly IPolicy _policy;
    private readonly IChunkPolicy? _chunks;
    private readonly ChunkExecution _mode;
    private readonly InferenceDelay _delay;
    private readonly int _fps;
    private readonly int _horizon;
    private readonly IReadOnlyList<string> _actionNames;
    private Random _random = new(0);
    private float[]? _last;
    private float[]? _pending;
    private int _holdLeft;
    private IReadOnlyList<float[]>? _chunk;
    private int _chunkStart;
    private (IReadOnlyList<float[]> Chunk, int Start, int Arrival)? _inFlight;
    private int _tick;

    /// <summary>An executor for <paramref name="policy"/>; async and rtc need an <see cref="IChunkPolicy"/> (rtc one that supports guidance).</summary>
    /// <exception cref="RobotHostException">The policy cannot be executed that way; the message names the option.</exception>
    public SimulatedChunkExecutor(IPolicy policy, ChunkExecution mode, InferenceDelay delay, int fps, int? executionHorizon, IReadOnlyList<string> actionNames)
    {
        _policy = policy;
        _chunks = policy as IChunkPolicy;
        _mode = mode;
        _delay = delay;
        _fps = fps;
        _actionNames = actionNames;
        if (_chunks is null && (mode != ChunkExecution.Sync || !delay.IsZero))
            throw new RobotHostException($"--chunk-execution {mode.Name()} with --inference-delay-ms {delay} needs a policy that predicts action chunks; '{policy.Info.PolicyType}' does not (an ensemble of checkpoints never does): evaluate one checkpoint, or drop these options");
        if (mode == ChunkExecution.Rtc && _chunks is { SupportsGuidance: false })
            throw new RobotHostException($"--chunk-execution rtc needs a policy that can guide its sampling toward the executing chunk; '{policy.Info.PolicyType}' cannot: use --chunk-execution async");
        _horizon = executionHorizon ?? _chunks?.ExecutionHorizon ?? 1;
        if (_chunks is not null && (_horizon < 1 || _horizon > _chunks.ChunkLength))
            throw new RobotHostException($"--execution-horizon {_horizon} must be between 1 and the policy's chunk length {_chunks.ChunkLength}");
    }

    /// <summary>Ticks the robot held because no chunk action was ready, this episode.</summary>
    public int HeldTicks { get; private set; }

    /// <summary>Starts an episode: empty chunks, the delay drawn from a generator seeded with <paramref name="seed"/>. Call after <see cref="IPolicy.Reset"/>.</summary>
    public void Reset(int seed)
    {
        _random = new Random(seed);
        _last = _pending = null;
        _holdLeft = 0;
        _chunk = null;
        _chunkStart = 0;
        _inFlight = null;
        _tick = 0;
        HeldTicks = 0;
    }

    /// <summary>The action for this tick, given this tick's observation.</summary>
    public ExecutedAction Next(Observation observation)
    {
        var result = _mode == ChunkExecution.Sync ? NextSync(observation) : NextAsync(observation);
        _tick++;
        if (result.Held) HeldTicks++;
        else _last = result.Action;
        return result;
    }

    private ExecutedAction NextSync(Observation observation)
    {
        if (_pending is not null)
        {
            if (_holdLeft-- > 0) return Hold(observation);
            var arrived = _pending;
            _pending = null;
            return new ExecutedAction(arrived, false, true);
        }
        var infers = _chunks is { QueuedActions: 0 };
        var action = _policy.SelectAction(observation);
        if (!infers) return new ExecutedAction(action, false, false);
        var delay = FirstInference ? 0 : _delay.SampleTicks(_random, _fps);
        if (delay == 0) return new ExecutedAction(action, false, true);
        _pending = action;
        _holdLeft = delay - 1;
        return Hold(observation);
    }

    private ExecutedAction NextAsync(Observation observation)
    {
        var chunks = _chunks!;
        chunks.Observe(observation);
        var switched = false;
        if (_inFlight is { } arriving && _tick >= arriving.Arrival)
        {
            (_chunk, _chunkStart, _inFlight, switched) = (arriving.Chunk, arriving.Start, null, true);
        }
        if (_inFlight is null && (_chunk is null || _tick - _chunkStart >= _horizon))
        {
            var delay = FirstInference ? 0 : _delay.SampleTicks(_random, _fps);
            ChunkGuidance? guidance = null;
            if (_mode == ChunkExecution.Rtc && _chunk is not null)
            {
                var left = _chunk.Skip(_tick - _chunkStart).ToList();
                guidance = new ChunkGuidance(left, Math.Min(delay, left.Count));
            }
            var predicted = chunks.PredictChunk(guidance);
            if (delay == 0) (_chunk, _chunkStart, switched) = (predicted, _tick, true);
            else _inFlight = (predicted, _tick, _tick + delay);
        }
        var index = _tick - _chunkStart;
        return _chunk is not null && index < _chunk.Count ? new ExecutedAction(_chunk[index], false, switched) : Hold(observation);
    }

    /// <summary>
    /// The episode's first inference runs before its first tick, as a robot at rest waits for its first chunk before
    /// it moves (a car at constant speed could not wait, and would start every episode blind for the delay): only
    /// inferences made while the rollout runs feel the delay.
    /// </summary>
    private bool FirstInference => _last is null && _chunk is null && _pending is null;

    /// <summary>The last action again; before the first one, the present values of the action's names if observed, else zeros.</summary>
    private ExecutedAction Hold(Observation observation)
    {
        if (_last is not null) return new ExecutedAction(_last, true, false);
        var hold = new float[_actionNames.Count];
        for (var i = 0; i < hold.Length; i++) observation.Values.TryGetValue(_actionNames[i], out hold[i]);
        return new ExecutedAction(hold, true, false);
    }
}
