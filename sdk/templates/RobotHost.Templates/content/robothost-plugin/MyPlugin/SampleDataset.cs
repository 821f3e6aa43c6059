using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace MyPlugin;

/// <summary>
/// A sample dataset format: <c>meta.json</c> (schema and episodes) plus one CSV per episode, vector features only.
/// Saved episodes survive a crash: the CSV is written to a temporary name and renamed, meta.json last.
/// </summary>
/// <param name="loggerFactory">Where writers log; the plugin module passes the host's, from the context it is created with.</param>
public sealed class SampleDatasetFormat(ILoggerFactory loggerFactory) : IDatasetFormat
{
    internal const string MetaFile = "meta.json";

    /// <inheritdoc />
    public bool CanOpen(string root) => File.Exists(Path.Combine(root, MetaFile));

    /// <inheritdoc />
    public IDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null)
    {
        if (CanOpen(root)) throw new RobotHostException($"'{root}' already holds a dataset; resume it or choose another folder");
        if (schema.VisualFeatures.Any()) throw new RobotHostException("the sample dataset format stores vector features only; drop the cameras");
        var meta = new SampleMeta(schema.RobotType, schema.Fps, schema.Features.Select(f => new SampleFeature(f.Key, f.Names?.ToArray() ?? [])).ToList(), []);
        return new SampleDatasetWriter(root, schema, meta, loggerFactory.CreateLogger<SampleDatasetWriter>());
    }

    /// <inheritdoc />
    public IDatasetWriter Resume(string root, DatasetWriterOptions? options = null)
    {
        var meta = SampleMeta.Read(root);
        return new SampleDatasetWriter(root, meta.ToSchema(), meta, loggerFactory.CreateLogger<SampleDatasetWriter>());
    }

    /// <inheritdoc />
    public IDatasetReader Open(string root) => new SampleDatasetReader(root, SampleMeta.Read(root));
}

/// <summary>meta.json.</summary>
internal sealed record SampleMeta(string RobotType, int Fps, List<SampleFeature> Features, List<SampleEpisode> Episodes)
{
    public DatasetSchema ToSchema() => new(RobotType, Fps, Features.Select(f => FeatureSpec.Vector(f.Key, f.Names)).ToList());

    public static SampleMeta Read(string root)
    {
        var path = Path.Combine(root, SampleDatasetFormat.MetaFile);
        if (!File.Exists(path)) throw new RobotHostException($"'{root}' has no {SampleDatasetFormat.MetaFile}; it is not a sample dataset");
        try
        {
            return JsonSerializer.Deserialize<SampleMeta>(File.ReadAllText(path)) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new RobotHostException($"{path} is corrupt ({e.Message}); restore it from a backup", e);
        }
    }

    public void Write(string root)
    {
        var path = Path.Combine(root, SampleDatasetFormat.MetaFile);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}

/// <summary>One vector feature.</summary>
internal sealed record SampleFeature(string Key, string[] Names);

/// <summary>One saved episode.</summary>
internal sealed record SampleEpisode(int Index, int Length, string Task);

/// <summary>Appends episodes.</summary>
internal sealed class SampleDatasetWriter(string root, DatasetSchema schema, SampleMeta meta, ILogger log) : IDatasetWriter
{
    private readonly List<DatasetFrame> _pending = [];

    public string Root => root;
    public DatasetSchema Schema => schema;
    public int EpisodeCount => meta.Episodes.Count;
    public int PendingFrames => _pending.Count;

    public void AddFrame(DatasetFrame frame)
    {
        foreach (var feature in schema.Features)
        {
            if (!frame.Values.TryGetValue(feature.Key, out var v) || v.Length != feature.ElementCount)
                throw new RobotHostException($"frame lacks '{feature.Key}' with {feature.ElementCount} values");
        }
        _pending.Add(frame);
    }

    public int SaveEpisode(string task)
    {
        if (_pending.Count == 0) throw new RobotHostException("no frames to save; record some first");
        var index = meta.Episodes.Count;
        var dir = Path.Combine(root, "episodes");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"episode_{index:D6}.csv");
        using (var csv = new StreamWriter(path + ".tmp"))
        {
            csv.WriteLine(string.Join(',', schema.Features.SelectMany(f => Enumerable.Range(0, f.ElementCount).Select(i => $"{f.Key}[{i}]"))));
            foreach (var frame in _pending)
                csv.WriteLine(string.Join(',', schema.Features.SelectMany(f => frame.Values[f.Key]).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        File.Move(path + ".tmp", path, overwrite: true);
        meta.Episodes.Add(new SampleEpisode(index, _pending.Count, task));
        meta.Write(root);
        log.LogInformation("saved episode {Episode} ({Frames} frames) in {Root}", index, _pending.Count, root);
        _pending.Clear();
        return index;
    }

    public void DiscardEpisode() => _pending.Clear();

    public void Dispose() => _pending.Clear();
}

/// <summary>Reads everything into memory at open.</summary>
internal sealed class SampleDatasetReader : IDatasetReader
{
    private readonly List<float[][]> _rows = [];  // per global frame, per feature
    private readonly List<(int Episode, int Frame)> _where = [];

    public SampleDatasetReader(string root, SampleMeta meta)
    {
        Root = root;
        Schema = meta.ToSchema();
        Tasks = meta.Episodes.Select(e => e.Task).Distinct().ToList();
        long from = 0;
        var episodes = new List<EpisodeInfo>();
        foreach (var episode in meta.Episodes)
        {
            var path = Path.Combine(root, "episodes", $"episode_{episode.Index:D6}.csv");
            if (!File.Exists(path)) throw new RobotHostException($"{path} is missing; drop episode {episode.Index} from meta.json or restore the file");
            var lines = File.ReadAllLines(path).Skip(1).ToList();
            for (var f = 0; f < lines.Count; f++)
            {
                var values = lines[f].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                var offset = 0;
                _rows.Add(Schema.Features.Select(feature => { var part = values[offset..(offset + feature.ElementCount)]; offset += feature.ElementCount; return part; }).ToArray());
                _where.Add((episode.Index, f));
            }
            episodes.Add(new EpisodeInfo(episode.Index, lines.Count, from, from + lines.Count, [episode.Task]));
            from += lines.Count;
        }
        Episodes = episodes;
        Stats = new Dictionary<string, FeatureStats>();
    }

    public string Root { get; }
    public DatasetSchema Schema { get; }
    public long TotalFrames => _rows.Count;
    public IReadOnlyList<EpisodeInfo> Episodes { get; }
    public IReadOnlyList<string> Tasks { get; }
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; }

    public DatasetFrame GetFrame(long index, bool withImages = true)
    {
        if (index < 0 || index >= _rows.Count) throw new ArgumentOutOfRangeException(nameof(index), $"frame {index} is outside 0..{_rows.Count - 1}");
        var (episode, frame) = _where[(int)index];
        return new DatasetFrame
        {
            Values = Schema.Features.Select((f, i) => (f.Key, _rows[(int)index][i])).ToDictionary(p => p.Key, p => p.Item2),
            Index = index, EpisodeIndex = episode, FrameIndex = frame, Timestamp = frame / (double)Schema.Fps,
        };
    }

    public FrameWindow GetWindow(long index, IReadOnlyDictionary<string, IReadOnlyList<double>> deltaTimestamps, bool withImages = true)
    {
        var current = GetFrame(index, false);
        var episode = Episodes[(int)current.EpisodeIndex];
        var values = new Dictionary<string, float[][]>();
        var pads = new Dictionary<string, bool[]>();
        foreach (var (key, deltas) in deltaTimestamps)
        {
            var feature = Schema.Features.ToList().FindIndex(f => f.Key == key);
            var rows = new float[deltas.Count][];
            var pad = new bool[deltas.Count];
            for (var d = 0; d < deltas.Count; d++)
            {
                var target = index + (long)Math.Round(deltas[d] * Schema.Fps);
                pad[d] = target < episode.FromIndex || target >= episode.ToIndex;
                rows[d] = _rows[(int)Math.Clamp(target, episode.FromIndex, episode.ToIndex - 1)][feature];
            }
            values[key] = rows;
            pads[key + "_is_pad"] = pad;
        }
        return new FrameWindow(values, new Dictionary<string, CameraFrame[]>(), pads);
    }

    public void Dispose() { }
}
