using RobotHost.Sdk;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>
/// A small in-memory dataset that honours the <see cref="IDatasetReader"/> window contract (delta timestamps →
/// frames clamped to the episode, with pad masks), so the real trainer runs on it. Episodes are arcs from a common
/// start that bend left or right (the multimodal case); action = the next state; optionally a top camera renders the
/// agent as a bright square on a dark background.
/// </summary>
internal sealed class SyntheticDataset : IDatasetReader
{
    public const string Camera = "observation.images.top";
    private readonly List<float[]> _state = [];
    private readonly List<float[]> _action = [];
    private readonly List<int> _episodeOf = [];
    private readonly List<EpisodeInfo> _episodes = [];
    private readonly int _imageSize;

    public SyntheticDataset(int episodes, int length, int imageSize = 0, int fps = 30)
    {
        _imageSize = imageSize;
        var features = new List<FeatureSpec>
        {
            FeatureSpec.Vector(FeatureKeys.State, ["x", "y"]),
            FeatureSpec.Vector(FeatureKeys.Action, ["x", "y"]),
        };
        if (imageSize > 0) features.Add(FeatureSpec.Video(Camera, imageSize, imageSize));
        Schema = new DatasetSchema("synthetic", fps, features);
        for (var e = 0; e < episodes; e++)
        {
            var side = e % 2 == 0 ? -1f : 1f;
            var from = _state.Count;
            var path = Enumerable.Range(0, length + 1).Select(i =>
            {
                var s = i / (float)length;
                return new[] { side * 0.8f * MathF.Sin(MathF.PI * s), 2f * s };
            }).ToList();
            for (var i = 0; i < length; i++)
            {
                _state.Add(path[i]);
                _action.Add(path[i + 1]);
                _episodeOf.Add(e);
            }
            _episodes.Add(new EpisodeInfo(e, length, from, _state.Count, ["pass the obstacle"]));
        }
        Stats = new Dictionary<string, FeatureStats>
        {
            [FeatureKeys.State] = StatsOf(_state),
            [FeatureKeys.Action] = StatsOf(_action),
        };
    }

    public string Root => "memory://synthetic";
    public DatasetSchema Schema { get; }
    public long TotalFrames => _state.Count;
    public IReadOnlyList<EpisodeInfo> Episodes => _episodes;
    public IReadOnlyList<string> Tasks => ["pass the obstacle"];
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; }

    /// <summary>An observation as a robot would send it at frame <paramref name="index"/>.</summary>
    public Observation ObservationAt(long index)
    {
        var s = _state[(int)index];
        var images = new Dictionary<string, CameraFrame>();
        if (_imageSize > 0) images["top"] = Render(s, index);
        return new Observation { Values = new Dictionary<string, float> { ["x"] = s[0], ["y"] = s[1] }, Images = images, Timestamp = index / 30.0 };
    }

    public DatasetFrame GetFrame(long index, bool withImages = true)
    {
        var images = new Dictionary<string, CameraFrame>();
        if (withImages && _imageSize > 0) images[Camera] = Render(_state[(int)index], index);
        return new DatasetFrame
        {
            Values = new Dictionary<string, float[]> { [FeatureKeys.State] = _state[(int)index], [FeatureKeys.Action] = _action[(int)index] },
            Images = images,
            Index = index,
        };
    }

    public FrameWindow GetWindow(long index, IReadOnlyDictionary<string, IReadOnlyList<double>> deltaTimestamps, bool withImages = true)
    {
        var episode = _episodes[_episodeOf[(int)index]];
        var values = new Dictionary<string, float[][]>();
        var images = new Dictionary<string, CameraFrame[]>();
        var pads = new Dictionary<string, bool[]>();
        foreach (var (key, deltas) in deltaTimestamps)
        {
            var frames = new long[deltas.Count];
            var pad = new bool[deltas.Count];
            for (var i = 0; i < deltas.Count; i++)
            {
                var target = index + (long)Math.Round(deltas[i] * Schema.Fps);
                frames[i] = Math.Clamp(target, episode.FromIndex, episode.ToIndex - 1);
                pad[i] = frames[i] != target;
            }
            pads[key] = pad;
            if (key == Camera)
            {
                if (withImages) images[key] = frames.Select(f => Render(_state[(int)f], f)).ToArray();
            }
            else
            {
                var source = key == FeatureKeys.State ? _state : _action;
                values[key] = frames.Select(f => source[(int)f]).ToArray();
            }
        }
        return new FrameWindow(values, images, pads);
    }

    private CameraFrame Render(float[] state, long sequence)
    {
        var n = _imageSize;
        var rgb = new byte[n * n * 3];
        var cx = (int)((state[0] + 1) / 2 * (n - 1));
        var cy = (int)(state[1] / 2 * (n - 1));
        for (var y = Math.Max(0, cy - 2); y <= Math.Min(n - 1, cy + 2); y++)
            for (var x = Math.Max(0, cx - 2); x <= Math.Min(n - 1, cx + 2); x++)
                rgb[(y * n + x) * 3] = rgb[(y * n + x) * 3 + 1] = rgb[(y * n + x) * 3 + 2] = 255;
        return new CameraFrame(n, n, rgb, sequence, sequence / 30.0);
    }

    private static FeatureStats StatsOf(List<float[]> rows)
    {
        var dim = rows[0].Length;
        double[] Column(Func<IEnumerable<double>, double> f) => Enumerable.Range(0, dim).Select(d => f(rows.Select(r => (double)r[d]))).ToArray();
        var mean = Column(c => c.Average());
        var std = Enumerable.Range(0, dim).Select(d => Math.Sqrt(rows.Average(r => (r[d] - mean[d]) * (r[d] - mean[d])))).ToArray();
        return new FeatureStats(Column(c => c.Min()), Column(c => c.Max()), mean, std, rows.Count, new Dictionary<string, double[]>());
    }

    public void Dispose() { }
}
