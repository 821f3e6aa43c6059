using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Training;
using RobotHost.Sdk;

namespace RobotHost.Learning.Data;

/// <summary>
/// Builds the batch of a training step from a dataset: samples frame indices from a generator seeded by (seed, step)
/// — so the data order is the same however many loader threads run and after a resume — reads each sample's
/// delta-timestamp window (pad masks at episode edges), normalises, augments (images; optionally Gaussian noise on the
/// normalised state) and collates.
/// Thread-safe: reader calls are serialised (a reader need not be thread-safe); the rest runs in parallel.
/// </summary>
public sealed class BatchBuilder
{
    private readonly IDatasetReader _reader;
    private readonly PolicyFeatures _features;
    private readonly FeatureNormalizer _normalizer;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<double>> _deltas;
    private readonly int _observationSteps;
    private readonly int _horizon;
    private readonly ImageAugmentation _augmentation;
    private readonly double _stateNoise;
    private readonly double[]? _cumulativeWeights;
    private readonly IReadOnlyList<int>? _labelSteps;
    private readonly IReadOnlyList<int> _actionOffsets;
    private readonly object _readerLock = new();

    /// <summary>Creates a builder for a model's windows.</summary>
    public BatchBuilder(IDatasetReader reader, PolicyModel model, FeatureNormalizer normalizer, int batchSize, long seed, ImageAugmentation augmentation,
        double stateNoise = 0, IReadOnlyList<double>? frameWeights = null, IReadOnlyList<int>? labelSteps = null)
    {
        if (labelSteps is not null && labelSteps.Count != reader.TotalFrames)
            throw new RobotHostException($"{labelSteps.Count} label horizons for the {reader.TotalFrames} frames of '{reader.Root}'; they must cover every frame");
        _labelSteps = labelSteps;
        _actionOffsets = model.ActionOffsets;
        if (reader.TotalFrames <= 0) throw new RobotHostException($"dataset '{reader.Root}' has no frames; record some episodes first");
        if (frameWeights is not null) _cumulativeWeights = Cumulative(frameWeights, reader);
        _reader = reader;
        _features = model.Features;
        _normalizer = normalizer;
        _deltas = model.DeltaTimestamps();
        _observationSteps = model.ObservationSteps;
        _horizon = model.ActionOffsets.Count;
        _augmentation = augmentation;
        _stateNoise = stateNoise;
        BatchSize = batchSize;
        Seed = seed;
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the data order.</summary>
    public long Seed { get; }

    /// <summary>The batch of <paramref name="step"/>: a pure function of (dataset, seed, step).</summary>
    public HostBatch Build(long step)
    {
        var random = new Random(SeedStreams.Derive(Seed, step, 0x5eed));
        // State noise draws from its own stream, so turning it on changes nothing else of the batch (same frames, same
        // image augmentation): a run with and without it differs only in the noise.
        var noise = _stateNoise > 0 ? new Random(SeedStreams.Derive(Seed, step, 0x5a7e)) : null;
        var b = BatchSize;
        var stateDim = _features.StateDim;
        var actionDim = _features.ActionDim;
        var state = _features.State is null ? null : new float[b * _observationSteps * stateDim];
        var action = new float[b * _horizon * actionDim];
        var pad = new bool[b * _horizon];
        var images = new Dictionary<string, (float[], int, int)>();
        for (var i = 0; i < _features.Images.Count; i++)
        {
            var (h, w) = _features.ImageSize(i);
            images[_features.Images[i].Key] = (new float[b * _observationSteps * 3 * h * w], h, w);
        }
        var indices = new long[b];
        for (var s = 0; s < b; s++)
        {
            var index = _cumulativeWeights is null ? random.NextInt64(_reader.TotalFrames) : Weighted(random);
            indices[s] = index;
            FrameWindow window;
            if (_reader.SupportsConcurrentReads)
            {
                window = _reader.GetWindow(index, _deltas, withImages: _features.Images.Count > 0);
            }
            else
            {
                lock (_readerLock) window = _reader.GetWindow(index, _deltas, withImages: _features.Images.Count > 0);
            }

            var actions = Values(window, _features.Action.Key, _horizon, index);
            var actionPad = IsPad(window, _features.Action.Key, _horizon);
            for (var t = 0; t < _horizon; t++)
            {
                var span = action.AsSpan((s * _horizon + t) * actionDim, actionDim);
                actions[t].AsSpan(0, actionDim).CopyTo(span);
                _normalizer.Normalize(_features.Action.Key, span);
                // Chunk steps past the frame's label horizon are masked like padding (see TrainerOptions.LabelSteps).
                pad[s * _horizon + t] = actionPad[t] || _labelSteps is not null && _actionOffsets[t] >= _labelSteps[(int)index];
            }
            if (state is not null)
            {
                var states = Values(window, _features.State!.Key, _observationSteps, index);
                for (var t = 0; t < _observationSteps; t++)
                {
                    var span = state.AsSpan((s * _observationSteps + t) * stateDim, stateDim);
                    states[t].AsSpan(0, stateDim).CopyTo(span);
                    _normalizer.Normalize(_features.State.Key, span);
                    if (noise is not null) AddGaussian(span, _stateNoise, noise);
                }
            }
            var draw = _augmentation.Sample(random);
            foreach (var image in _features.Images)
            {
                var (pixels, h, w) = images[image.Key];
                if (!window.Images.TryGetValue(image.Key, out var frames) || frames.Length < _observationSteps)
                    throw new RobotHostException($"dataset returned no '{image.Key}' frames for frame {index}; its videos may be missing — check {_reader.Root}/videos");
                var size = 3 * h * w;
                for (var t = 0; t < _observationSteps; t++)
                {
                    var span = pixels.AsSpan((s * _observationSteps + t) * size, size);
                    ImageTensors.ToChw(frames[t], span, h, w);
                    if (_augmentation.IsActive) ImageAugmentation.Apply(draw, span, h, w);
                }
            }
        }
        return new HostBatch
        {
            Step = step,
            Size = b,
            ObservationSteps = _observationSteps,
            ActionHorizon = _horizon,
            State = state,
            StateDim = stateDim,
            Images = images,
            Action = action,
            ActionDim = actionDim,
            ActionIsPad = pad,
            Indices = indices,
        };
    }

    private static double[] Cumulative(IReadOnlyList<double> weights, IDatasetReader reader)
    {
        if (weights.Count != reader.TotalFrames)
            throw new RobotHostException($"{weights.Count} frame weights for the {reader.TotalFrames} frames of '{reader.Root}'; weights must cover every frame");
        var cumulative = new double[weights.Count];
        double sum = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i])) throw new RobotHostException($"frame weight {weights[i]} of frame {i} is not a finite number ≥ 0");
            cumulative[i] = sum += weights[i];
        }
        if (sum <= 0) throw new RobotHostException($"every frame of '{reader.Root}' has weight 0, so there is nothing to train on; give the sources present a positive weight");
        return cumulative;
    }

    /// <summary>A frame drawn in proportion to its weight (inverse CDF by binary search).</summary>
    private long Weighted(Random random)
    {
        var target = random.NextDouble() * _cumulativeWeights![^1];
        var index = Array.BinarySearch(_cumulativeWeights, target);
        index = index < 0 ? ~index : index + 1;
        // Past equal prefix sums (zero-weight frames) to the frame whose weight covers the target.
        while (index < _cumulativeWeights.Length - 1 && _cumulativeWeights[index] <= target) index++;
        return Math.Min(index, _cumulativeWeights.Length - 1);
    }

    private static void AddGaussian(Span<float> values, double sigma, Random random)
    {
        for (var i = 0; i < values.Length; i++)
        {
            // Box–Muller; 1 − u keeps the logarithm finite.
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            values[i] += (float)(sigma * radius * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
    }

    private float[][] Values(FrameWindow window, string key, int count, long index)
    {
        if (!window.Values.TryGetValue(key, out var values) || values.Length < count)
            throw new RobotHostException($"dataset returned {(values?.Length ?? 0)} values of '{key}' for frame {index}, expected {count}; the dataset reader does not honour delta timestamps");
        return values;
    }

    private static bool[] IsPad(FrameWindow window, string key, int count) =>
        window.IsPad.TryGetValue(key, out var pad) || window.IsPad.TryGetValue(key + "_is_pad", out pad) ? pad : new bool[count];
}
