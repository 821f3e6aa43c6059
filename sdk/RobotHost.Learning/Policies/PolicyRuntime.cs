using RobotHost.Learning.Data;
using RobotHost.Learning.Normalization;
using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Policies;

/// <summary>
/// The generic <see cref="IPolicy"/> over any <see cref="PolicyModel"/>: normalise the observation, run the model
/// (no_grad, eval, inside a dispose scope), unnormalise, then serve the chunk one action per tick from a queue of
/// <see cref="PolicyRuntimeOptions.ActionSteps"/>, or blend every tick's chunk with temporal ensembling. As an
/// <see cref="IChunkPolicy"/> it also hands whole chunks to an executor that runs inference asynchronously.
/// </summary>
public class PolicyRuntime : IChunkPolicy, ISeededPolicy
{
    private readonly PolicyModel _model;
    private readonly FeatureNormalizer _normalizer;
    private readonly PolicyRuntimeOptions _options;
    private readonly Device _device;
    private readonly Queue<float[]> _actions = new();
    private readonly LinkedList<(float[]? State, float[][] Images)> _history = new();
    private readonly TemporalEnsembler? _ensembler;
    private bool _disposed;

    /// <summary>Wraps a trained model (moved to the options' device) as a policy.</summary>
    public PolicyRuntime(string policyType, PolicyModel model, FeatureNormalizer normalizer, PolicyRuntimeOptions options)
    {
        _model = model;
        _normalizer = normalizer;
        _options = options;
        _device = TorchRuntime.Device(options.Device);
        _model.to(_device);
        _model.eval();
        if (options.TemporalEnsembleCoefficient is { } m) _ensembler = new TemporalEnsembler(model.ActionHorizon, m);
        var f = model.Features;
        Info = new PolicyInfo(policyType, (f.State is null ? [] : new[] { f.State }).Concat(f.Images).ToList(), f.Action, f.Fps);
    }

    /// <inheritdoc />
    public PolicyInfo Info { get; }

    /// <summary>The model (for benchmarks and tests).</summary>
    public PolicyModel Model => _model;

    /// <summary>Seeds libtorch's global generator, which dropout and any sampling in the model draw from.</summary>
    public void Seed(long seed) => torch.random.manual_seed(seed);

    /// <inheritdoc />
    public virtual void Reset()
    {
        _actions.Clear();
        _history.Clear();
        _ensembler?.Reset();
    }

    /// <inheritdoc />
    public float[] SelectAction(Observation observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Remember(observation);
        if (_ensembler is not null) return _ensembler.Update(PredictChunk());
        if (_actions.Count == 0)
        {
            foreach (var action in PredictChunk().Take(Math.Max(1, _options.ActionSteps))) _actions.Enqueue(action);
        }
        return _actions.Dequeue();
    }

    /// <inheritdoc />
    public int ChunkLength => _model.ChunkLength;

    /// <inheritdoc />
    public virtual int ExecutionHorizon => Math.Max(1, _options.ActionSteps);

    /// <inheritdoc />
    public int QueuedActions => _ensembler is not null ? 0 : _actions.Count;

    /// <inheritdoc />
    public bool SupportsGuidance => _model.SupportsGuidance;

    /// <summary>How a guided chunk continues the previous one (<see cref="PolicyModel.RealTimeChunkingMethod"/>): <c>guidance</c>, <c>conditioning</c>, or null.</summary>
    public string? RealTimeChunkingMethod => _model.RealTimeChunkingMethod;

    /// <inheritdoc />
    public void Observe(Observation observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Remember(observation);
    }

    /// <inheritdoc />
    public IReadOnlyList<float[]> PredictChunk(ChunkGuidance? guidance = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_history.Count == 0) throw new InvalidOperationException("observe an observation before predicting a chunk");
        if (guidance is null) return PredictChunk();
        if (!SupportsGuidance)
            throw new RobotHostException($"policy '{Info.PolicyType}' cannot guide a chunk toward the previous one (real-time chunking); use asynchronous chunks without guidance");
        var dim = _model.Features.ActionDim;
        var given = Math.Min(guidance.Previous.Count, ChunkLength);
        var normalized = new float[given * dim];
        for (var i = 0; i < given; i++)
        {
            var action = (float[])guidance.Previous[i].Clone();
            if (action.Length != dim) throw new RobotHostException($"the previous chunk's action {i} has {action.Length} values, the policy's have {dim}");
            _normalizer.Normalize(_model.Features.Action.Key, action);
            action.CopyTo(normalized, i * dim);
        }
        var frozen = Math.Clamp(guidance.Frozen, 0, given);
        var result = given == 0 ? PredictChunk() : Predict(batch => _model.PredictActionChunk(batch, new ActionPrefix(tensor(normalized, [1, given, dim]).to(_device), frozen)));
        // Exactly the executing actions, not their normalised round trip.
        var chunk = result.ToList();
        for (var i = 0; i < frozen; i++) chunk[i] = (float[])guidance.Previous[i].Clone();
        return chunk;
    }

    /// <summary>Runs the model on the observation history and returns unnormalised actions from this tick on.</summary>
    protected virtual IReadOnlyList<float[]> PredictChunk() => Predict(batch => _model.PredictActionChunk(batch));

    private List<float[]> Predict(Func<PolicyBatch, Tensor> predict)
    {
        using var threads = TorchRuntime.UseThreads(_options.CpuThreads);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        _model.eval();
        var batch = BuildBatch();
        var chunk = predict(batch).to(float32).cpu();
        var steps = (int)chunk.shape[1];
        var dim = (int)chunk.shape[2];
        var flat = chunk.contiguous().data<float>().ToArray();
        var result = new List<float[]>(steps);
        for (var s = 0; s < steps; s++)
        {
            var action = flat.AsSpan(s * dim, dim).ToArray();
            _normalizer.Unnormalize(_model.Features.Action.Key, action);
            result.Add(action);
        }
        return result;
    }

    private void Remember(Observation observation)
    {
        var f = _model.Features;
        float[]? state = null;
        if (f.State is not null)
        {
            state = f.State.Names is { Count: > 0 } names ? observation.ToVector(names) : observation.Values.Values.ToArray();
            if (state.Length != f.StateDim)
                throw new RobotHostException($"observation has {state.Length} state values, the policy was trained on {f.StateDim} ({f.State.Key})");
            _normalizer.Normalize(f.State.Key, state);
        }
        var images = new float[f.Images.Count][];
        for (var i = 0; i < f.Images.Count; i++)
        {
            var camera = PolicyFeatures.CameraName(f.Images[i]);
            if (!observation.Images.TryGetValue(camera, out var frame) && !observation.Images.TryGetValue(f.Images[i].Key, out frame))
                throw new RobotHostException($"observation has no image from camera '{camera}' that the policy was trained with (has: {string.Join(", ", observation.Images.Keys)}); connect that camera or retrain without it");
            var (h, w) = f.ImageSize(i);
            images[i] = new float[3 * h * w];
            ImageTensors.ToChw(frame, images[i], h, w);
        }
        _history.AddLast((state, images));
        // At episode start the first observation fills the whole history, as LeRobot's observation queues do.
        while (_history.Count < _model.ObservationSteps) _history.AddFirst(_history.First!.Value);
        while (_history.Count > _model.ObservationSteps) _history.RemoveFirst();
    }

    private PolicyBatch BuildBatch()
    {
        var f = _model.Features;
        var n = _history.Count;
        Tensor? state = null;
        if (f.State is not null)
            state = tensor(_history.SelectMany(h => h.State!).ToArray(), [1, n, f.StateDim]).to(_device);
        var images = new Dictionary<string, Tensor>();
        for (var i = 0; i < f.Images.Count; i++)
        {
            var (h, w) = f.ImageSize(i);
            var index = i;
            images[f.Images[i].Key] = tensor(_history.SelectMany(x => x.Images[index]).ToArray(), [1, n, 3, h, w]).to(_device);
        }
        return new PolicyBatch { State = state, Images = images, Size = 1 };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _model.Dispose();
        GC.SuppressFinalize(this);
    }
}
