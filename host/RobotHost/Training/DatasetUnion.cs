using RobotHost.Sdk;

namespace RobotHost.Training;

/// <summary>
/// Several datasets read as one, for training on demonstrations plus the corrections recorded since (DAgger's
/// aggregated data): frames and episodes follow each other in the order given, statistics are pooled, and the schema is
/// the features every part has. The parts must agree on rate, action, state and cameras. Owns and disposes the parts.
/// </summary>
public sealed class DatasetUnion : IDatasetReader
{
    private readonly IReadOnlyList<IDatasetReader> _parts;
    private readonly long[] _frameOffsets;
    private readonly int[] _episodeOffsets;
    private readonly int[][] _taskMaps;

    /// <summary>Reads <paramref name="parts"/> (at least one) as one dataset.</summary>
    /// <exception cref="RobotHostException">The parts differ in rate or in the shape of a feature they share, or lack the action.</exception>
    public DatasetUnion(IReadOnlyList<IDatasetReader> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("a union needs at least one dataset", nameof(parts));
        _parts = parts;
        var first = parts[0];
        foreach (var other in parts.Skip(1))
        {
            if (other.Schema.Fps != first.Schema.Fps)
                throw new RobotHostException($"'{other.Root}' is {other.Schema.Fps} fps but '{first.Root}' is {first.Schema.Fps} fps; datasets trained together must share a rate");
            foreach (var feature in first.Schema.Features)
            {
                var match = other.Schema.Features.FirstOrDefault(f => f.Key == feature.Key);
                var essential = feature.Key == FeatureKeys.Action || feature.Key == FeatureKeys.State || feature.IsVisual;
                if (match is null && essential)
                    throw new RobotHostException($"'{other.Root}' has no '{feature.Key}', which '{first.Root}' has; record corrections with the same cameras and robot as the demonstrations");
                if (match is not null && !match.Shape.SequenceEqual(feature.Shape))
                    throw new RobotHostException($"'{feature.Key}' is [{string.Join(",", match.Shape)}] in '{other.Root}' but [{string.Join(",", feature.Shape)}] in '{first.Root}'; record with the same image size and joints");
            }
        }
        var shared = first.Schema.Features.Where(f => parts.All(p => p.Schema.Features.Any(g => g.Key == f.Key))).ToList();
        Schema = first.Schema with { Features = shared };

        _frameOffsets = new long[parts.Count];
        _episodeOffsets = new int[parts.Count];
        var tasks = new List<string>();
        _taskMaps = new int[parts.Count][];
        var episodes = new List<EpisodeInfo>();
        long frames = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            _frameOffsets[i] = frames;
            _episodeOffsets[i] = episodes.Count;
            foreach (var e in parts[i].Episodes)
                episodes.Add(e with { EpisodeIndex = episodes.Count, FromIndex = e.FromIndex + frames, ToIndex = e.ToIndex + frames });
            _taskMaps[i] = parts[i].Tasks.Select(t =>
            {
                var index = tasks.IndexOf(t);
                if (index < 0) { tasks.Add(t); index = tasks.Count - 1; }
                return index;
            }).ToArray();
            frames += parts[i].TotalFrames;
        }
        TotalFrames = frames;
        Episodes = episodes;
        Tasks = tasks;
        Stats = PoolStats(parts, shared);
    }

    /// <summary>The datasets, in order.</summary>
    public IReadOnlyList<IDatasetReader> Parts => _parts;

    /// <inheritdoc />
    public string Root => _parts[0].Root;

    /// <inheritdoc />
    public DatasetSchema Schema { get; }

    /// <inheritdoc />
    public long TotalFrames { get; }

    /// <inheritdoc />
    public IReadOnlyList<EpisodeInfo> Episodes { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; }

    /// <inheritdoc />
    public bool SupportsConcurrentReads => _parts.All(p => p.SupportsConcurrentReads);

    /// <summary>The part holding global frame <paramref name="index"/> and the frame's index within it.</summary>
    public (int Part, long Local) Locate(long index)
    {
        if (index < 0 || index >= TotalFrames) throw new ArgumentOutOfRangeException(nameof(index), $"frame {index} is outside 0–{TotalFrames - 1}");
        var part = Array.BinarySearch(_frameOffsets, index);
        if (part < 0) part = ~part - 1;
        // Skip empty parts that share an offset with the next one.
        while (part + 1 < _frameOffsets.Length && _frameOffsets[part + 1] <= index) part++;
        return (part, index - _frameOffsets[part]);
    }

    /// <inheritdoc />
    public DatasetFrame GetFrame(long index, bool withImages = true)
    {
        var (part, local) = Locate(index);
        var frame = _parts[part].GetFrame(local, withImages);
        return new DatasetFrame
        {
            Values = frame.Values,
            Images = frame.Images,
            Index = index,
            EpisodeIndex = frame.EpisodeIndex + _episodeOffsets[part],
            FrameIndex = frame.FrameIndex,
            Timestamp = frame.Timestamp,
            TaskIndex = frame.TaskIndex >= 0 && frame.TaskIndex < _taskMaps[part].Length ? _taskMaps[part][frame.TaskIndex] : frame.TaskIndex,
        };
    }

    /// <inheritdoc />
    public FrameWindow GetWindow(long index, IReadOnlyDictionary<string, IReadOnlyList<double>> deltaTimestamps, bool withImages = true)
    {
        var (part, local) = Locate(index);
        return _parts[part].GetWindow(local, deltaTimestamps, withImages);
    }

    /// <summary>
    /// Count-weighted pooling: means and variances exactly (within-part variance plus the spread of the part means),
    /// extremes exactly, quantiles as the count-weighted mean of the parts' (an approximation; no normaliser uses them
    /// across datasets of different sources).
    /// </summary>
    private static IReadOnlyDictionary<string, FeatureStats> PoolStats(IReadOnlyList<IDatasetReader> parts, IReadOnlyList<FeatureSpec> features)
    {
        var pooled = new Dictionary<string, FeatureStats>();
        foreach (var feature in features)
        {
            var stats = parts.Select(p => p.Stats.TryGetValue(feature.Key, out var s) ? s : null).ToList();
            if (stats.Any(s => s is null)) continue;
            var all = stats.Select(s => s!).ToList();
            var n = all.Sum(s => (double)s.Count);
            var length = all[0].Mean.Length;
            if (n <= 0 || all.Any(s => s.Mean.Length != length)) continue;
            var mean = new double[length];
            var std = new double[length];
            var min = new double[length];
            var max = new double[length];
            for (var k = 0; k < length; k++)
            {
                mean[k] = all.Sum(s => s.Count * s.Mean[k]) / n;
                var variance = all.Sum(s => s.Count * (s.Std[k] * s.Std[k] + (s.Mean[k] - mean[k]) * (s.Mean[k] - mean[k]))) / n;
                std[k] = Math.Sqrt(variance);
                min[k] = all.Min(s => s.Min[k]);
                max[k] = all.Max(s => s.Max[k]);
            }
            var quantiles = new Dictionary<string, double[]>();
            foreach (var name in all[0].Quantiles.Keys.Where(q => all.All(s => s.Quantiles.TryGetValue(q, out var v) && v.Length == length)))
                quantiles[name] = Enumerable.Range(0, length).Select(k => all.Sum(s => s.Count * s.Quantiles[name][k]) / n).ToArray();
            pooled[feature.Key] = new FeatureStats(min, max, mean, std, (long)n, quantiles);
        }
        return pooled;
    }

    /// <summary>Disposes every part.</summary>
    public void Dispose()
    {
        foreach (var part in _parts) part.Dispose();
    }
}
