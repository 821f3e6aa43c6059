using RobotHost.Sdk;

namespace RobotHost.Learning.Tests.Support;

/// <summary>An <see cref="IDatasetReader"/> over frames held in memory, with statistics and delta-timestamp windows as the SDK specifies.</summary>
internal sealed class InMemoryDatasetReader : IDatasetReader
{
    private readonly List<DatasetFrame> _frames = [];
    private readonly List<EpisodeInfo> _episodes = [];

    public InMemoryDatasetReader(DatasetSchema schema, IEnumerable<IReadOnlyList<DatasetFrame>> episodes)
    {
        Schema = schema;
        foreach (var episode in episodes)
        {
            var from = _frames.Count;
            for (var i = 0; i < episode.Count; i++)
            {
                var f = episode[i];
                _frames.Add(new DatasetFrame
                {
                    Values = f.Values,
                    Images = f.Images,
                    Index = _frames.Count,
                    EpisodeIndex = _episodes.Count,
                    FrameIndex = i,
                    Timestamp = i / (double)schema.Fps,
                });
            }
            _episodes.Add(new EpisodeInfo(_episodes.Count, episode.Count, from, _frames.Count, ["reach"]));
        }
        Stats = schema.VectorFeatures.ToDictionary(f => f.Key, f => Compute(f.Key, f.ElementCount));
    }

    /// <summary>Counts GetWindow calls (to check loader behaviour).</summary>
    public int WindowCalls;

    public string Root => "memory://reach";
    public DatasetSchema Schema { get; }
    public long TotalFrames => _frames.Count;
    public IReadOnlyList<EpisodeInfo> Episodes => _episodes;
    public IReadOnlyList<string> Tasks { get; } = ["reach"];
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; }

    public DatasetFrame GetFrame(long index, bool withImages = true) => _frames[(int)index];

    public FrameWindow GetWindow(long index, IReadOnlyDictionary<string, IReadOnlyList<double>> deltaTimestamps, bool withImages = true)
    {
        Interlocked.Increment(ref WindowCalls);
        var frame = _frames[(int)index];
        var episode = _episodes[(int)frame.EpisodeIndex];
        var values = new Dictionary<string, float[][]>();
        var images = new Dictionary<string, CameraFrame[]>();
        var pads = new Dictionary<string, bool[]>();
        foreach (var (key, deltas) in deltaTimestamps)
        {
            var targets = deltas.Select(d => index + (long)Math.Round(d * Schema.Fps)).ToArray();
            pads[key] = targets.Select(t => t < episode.FromIndex || t >= episode.ToIndex).ToArray();
            var clamped = targets.Select(t => (int)Math.Clamp(t, episode.FromIndex, episode.ToIndex - 1)).ToArray();
            if (Schema[key].IsVisual)
            {
                if (withImages) images[key] = clamped.Select(i => _frames[i].Images[key]).ToArray();
            }
            else values[key] = clamped.Select(i => _frames[i].Values[key]).ToArray();
        }
        return new FrameWindow(values, images, pads);
    }

    private FeatureStats Compute(string key, int n)
    {
        var rows = _frames.Select(f => f.Values[key]).ToList();
        double[] Per(Func<IEnumerable<double>, double> f) => Enumerable.Range(0, n).Select(j => f(rows.Select(r => (double)r[j]))).ToArray();
        var mean = Per(v => v.Average());
        var std = Enumerable.Range(0, n).Select(j => Math.Sqrt(rows.Average(r => Math.Pow(r[j] - mean[j], 2)))).ToArray();
        return new FeatureStats(Per(v => v.Min()), Per(v => v.Max()), mean, std, rows.Count, new Dictionary<string, double[]>());
    }

    public void Dispose() { }
}
