using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Random access to a LeRobot v3.0 (or v2.1) dataset. Parquet tables are loaded into memory at open; camera images
/// are decoded by the system ffmpeg a block of frames at a time (a whole episode at training sizes) into an LRU
/// cache, and each is checked to sit within 1e-4 s of from_timestamp + timestamp. Safe for concurrent readers.
/// </summary>
public sealed class LeRobotDatasetReader : IDatasetReader
{
    /// <summary>LeRobot's tolerance between a requested and a decoded frame time (tolerance_s, 1e-4).</summary>
    public const double ToleranceSeconds = 1e-4;

    private readonly VideoTools _video;
    private readonly FrameCache _cache;
    private readonly List<EpisodeRecord> _episodes;
    private readonly Dictionary<string, float[][]> _vectors = [];
    private readonly float[] _timestamp;
    private readonly long[] _frameIndex;
    private readonly long[] _taskIndex;
    private readonly int[] _episodeOfFrame;
    private readonly long _cacheBudget;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DecodeGroups> _decodeGroups = new();

    private LeRobotDatasetReader(string root, string version, JsonObject info, DatasetSchema schema, List<EpisodeRecord> episodes, IReadOnlyList<string> tasks,
        IReadOnlyDictionary<string, FeatureStats> stats, VideoTools video, long cacheBytes)
    {
        Root = root;
        CodebaseVersion = version;
        Info = info;
        Schema = schema;
        _episodes = episodes;
        Tasks = tasks;
        Stats = stats;
        _video = video;
        _cacheBudget = cacheBytes;
        _cache = new FrameCache(cacheBytes);
        Episodes = episodes.Select(e => e.ToInfo()).ToList();
        TotalFrames = episodes.Count == 0 ? 0 : episodes.Max(e => e.ToIndex);
        _timestamp = new float[TotalFrames];
        _frameIndex = new long[TotalFrames];
        _taskIndex = new long[TotalFrames];
        _episodeOfFrame = new int[TotalFrames];
        foreach (var f in schema.VectorFeatures) _vectors[f.Key] = new float[TotalFrames][];
    }

    /// <inheritdoc />
    public string Root { get; }

    /// <summary><c>v3.0</c> or <c>v2.1</c>.</summary>
    public string CodebaseVersion { get; }

    /// <summary>The parsed meta/info.json.</summary>
    public JsonObject Info { get; }

    /// <inheritdoc />
    public DatasetSchema Schema { get; }

    /// <inheritdoc />
    public long TotalFrames { get; }

    /// <inheritdoc />
    public IReadOnlyList<EpisodeInfo> Episodes { get; }

    /// <summary>Episodes with their files, video spans and per-episode statistics.</summary>
    public IReadOnlyList<EpisodeRecord> EpisodeRecords => _episodes;

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; }

    /// <summary>Opens a dataset; every damaged or missing file is an error naming it and the fix.</summary>
    public static LeRobotDatasetReader Open(string root, VideoTools? video = null, ILoggerFactory? loggerFactory = null, long cacheBytes = 1L << 30)
    {
        video ??= new VideoTools();
        var logger = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger<LeRobotDatasetReader>();
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new RobotHostException($"dataset folder '{root}' does not exist; check the path");
        var info = DatasetInfo.Load(root);
        var infoPath = Path.Combine(root, LeRobotLayout.InfoPath);
        var version = info["codebase_version"]?.GetValue<string>() ?? "";
        var schema = DatasetInfo.Schema(info, infoPath);
        List<EpisodeRecord> episodes;
        IReadOnlyList<string> tasks;
        IReadOnlyDictionary<string, FeatureStats> stats;
        if (version == LeRobotLayout.CodebaseVersion)
        {
            episodes = LeRobotMetadata.LoadEpisodes(root, schema);
            if (episodes.Count == 0 && info["total_episodes"]?.GetValue<int>() is > 0 and var listed)
                throw new RobotHostException($"{infoPath} lists {listed} episodes but {Path.Combine(root, "meta", "episodes")} holds no episode file; copy meta/episodes again from the original dataset");
            tasks = File.Exists(Path.Combine(root, LeRobotLayout.TasksPath)) ? LeRobotMetadata.LoadTasks(root) : [];
            var statsPath = Path.Combine(root, LeRobotLayout.StatsPath);
            stats = File.Exists(statsPath) ? DatasetStatistics.FromJson(LeRobotMetadata.LoadJson(statsPath)) : DatasetStatistics.Aggregate(episodes.Select(e => e.Stats));
            var declared = info["total_episodes"]?.GetValue<int>() ?? episodes.Count;
            if (declared != episodes.Count)
                logger.LogWarning("{Info} says {Declared} episodes but meta/episodes holds {Count}; reading the {Count} listed there", infoPath, declared, episodes.Count, episodes.Count);
        }
        else if (version == LeRobotLayout.CodebaseVersionV21)
        {
            (episodes, tasks, stats) = V21Layout.Load(root, info, schema);
        }
        else
        {
            throw new RobotHostException($"{infoPath} has codebase_version '{version}'; this reader handles v3.0 and v2.1 — convert the dataset with LeRobot's converter first");
        }
        var reader = new LeRobotDatasetReader(root, version, info, schema, episodes, tasks, stats, video, cacheBytes);
        reader.LoadFrames();
        return reader;
    }

    private void LoadFrames()
    {
        var filled = new bool[TotalFrames];
        for (var e = 0; e < _episodes.Count; e++)
            for (var i = _episodes[e].FromIndex; i < _episodes[e].ToIndex; i++) _episodeOfFrame[i] = e;
        foreach (var path in _episodes.Select(e => e.DataPath).Distinct())
        {
            var rows = ParquetTables.Read(path);
            try
            {
                foreach (var row in rows)
                {
                    var index = ParquetTables.Long(row, "index");
                    // Rows past the last listed episode belong to an episode whose commit never finished.
                    if (index < 0 || index >= TotalFrames) continue;
                    _timestamp[index] = (float)ParquetTables.Double(row, "timestamp");
                    _frameIndex[index] = ParquetTables.Long(row, "frame_index");
                    _taskIndex[index] = row.ContainsKey("task_index") ? ParquetTables.Long(row, "task_index") : 0;
                    foreach (var (key, column) in _vectors)
                    {
                        if (!row.TryGetValue(key, out var value))
                            throw new RobotHostException($"column '{key}' is missing");
                        column[index] = ParquetTables.Floats(value);
                    }
                    filled[index] = true;
                }
            }
            catch (Exception e) when (e is not RobotHostException || !e.Message.StartsWith("parquet file", StringComparison.Ordinal))
            {
                throw new RobotHostException($"parquet file {path} does not match meta/info.json ({e.Message}); copy the dataset again", e);
            }
        }
        var missing = Array.IndexOf(filled, false);
        if (missing >= 0)
        {
            var episode = _episodes[_episodeOfFrame[missing]];
            throw new RobotHostException($"parquet file {episode.DataPath} lacks frame {missing} of episode {episode.EpisodeIndex}; the file is truncated — copy it again from the original dataset");
        }
    }

    /// <inheritdoc />
    public DatasetFrame GetFrame(long index, bool withImages = true)
    {
        if (index < 0 || index >= TotalFrames)
            throw new ArgumentOutOfRangeException(nameof(index), $"frame {index} is outside the dataset (0..{TotalFrames - 1})");
        var episode = _episodes[_episodeOfFrame[index]];
        var values = _vectors.ToDictionary(kv => kv.Key, kv => kv.Value[index]);
        var images = new Dictionary<string, CameraFrame>();
        if (withImages)
            foreach (var f in Schema.VisualFeatures) images[f.Key] = Image(f, _episodeOfFrame[index], (int)(index - episode.FromIndex));
        return new DatasetFrame
        {
            Values = values,
            Images = images,
            Index = index,
            EpisodeIndex = episode.EpisodeIndex,
            FrameIndex = _frameIndex[index],
            Timestamp = _timestamp[index],
            TaskIndex = _taskIndex[index],
        };
    }

    /// <inheritdoc />
    public FrameWindow GetWindow(long index, IReadOnlyDictionary<string, IReadOnlyList<double>> deltaTimestamps, bool withImages = true)
    {
        if (index < 0 || index >= TotalFrames)
            throw new ArgumentOutOfRangeException(nameof(index), $"frame {index} is outside the dataset (0..{TotalFrames - 1})");
        var episodePosition = _episodeOfFrame[index];
        var episode = _episodes[episodePosition];
        var values = new Dictionary<string, float[][]>();
        var images = new Dictionary<string, CameraFrame[]>();
        var pads = new Dictionary<string, bool[]>();
        foreach (var (key, deltas) in deltaTimestamps)
        {
            var feature = Schema[key];
            var pad = new bool[deltas.Count];
            var frames = new long[deltas.Count];
            for (var i = 0; i < deltas.Count; i++)
            {
                var target = index + (long)Math.Round(deltas[i] * Schema.Fps);
                pad[i] = target < episode.FromIndex || target >= episode.ToIndex;
                frames[i] = Math.Clamp(target, episode.FromIndex, episode.ToIndex - 1);
            }
            pads[key] = pad;
            if (feature.IsVisual)
            {
                if (withImages) images[key] = frames.Select(f => Image(feature, episodePosition, (int)(f - episode.FromIndex))).ToArray();
            }
            else
            {
                values[key] = frames.Select(f => _vectors[key][f]).ToArray();
            }
        }
        return new FrameWindow(values, images, pads);
    }

    private CameraFrame Image(FeatureSpec feature, int episodePosition, int frameInEpisode)
    {
        var episode = _episodes[episodePosition];
        var height = feature.Shape[0];
        var width = feature.Shape[1];
        var frameBytes = (long)width * height * 3;
        var index = episode.FromIndex + frameInEpisode;
        // Whole episodes at training sizes; about 64 MB blocks for big frames so one read never floods the cache.
        var decodeFrames = Math.Max(8, (int)Math.Min(int.MaxValue, Math.Min(64L << 20, _cacheBudget / 4) / frameBytes));
        var blockSize = Math.Min(decodeFrames, Math.Max(8, episode.Length));
        if (episode.Length <= blockSize)
        {
            var groups = _decodeGroups.GetOrAdd(feature.Key, _ => DecodeGroups.Partition(_episodes, feature.Key, decodeFrames, ToleranceSeconds));
            var group = groups.Of(episodePosition);
            var groupFrames = _cache.Get((feature.Key, group.First, -1), group.Frames * frameBytes,
                () => DecodeGroup(feature, group, width, height));
            return new CameraFrame(width, height, groupFrames[groups.Offset(episodePosition) + frameInEpisode], _frameIndex[index], _timestamp[index]);
        }
        var block = frameInEpisode / blockSize;
        var first = block * blockSize;
        var count = Math.Min(blockSize, episode.Length - first);
        var frames = _cache.Get((feature.Key, episodePosition, block), count * frameBytes,
            () => DecodeBlock(feature, episode, first, count, width, height));
        return new CameraFrame(width, height, frames[frameInEpisode - first], _frameIndex[index], _timestamp[index]);
    }

    /// <summary>
    /// Decodes a group of episodes stored back to back in one mp4 in one ffmpeg run (at training sizes a process start
    /// costs more than the decode). Groups are a fixed partition, so loader threads asking for neighbouring episodes at
    /// once wait for one decode instead of decoding the same frames twice.
    /// </summary>
    private IReadOnlyList<byte[]> DecodeGroup(FeatureSpec feature, DecodeGroups.Group group, int width, int height)
    {
        if (group.Count == 1) return DecodeBlock(feature, _episodes[group.First], 0, _episodes[group.First].Length, width, height);
        var firstEpisode = _episodes[group.First];
        var span = firstEpisode.Videos[feature.Key];
        var decoded = _video.Decode(span.Path, Math.Max(0, span.FromTimestamp + _timestamp[firstEpisode.FromIndex] - 0.5 / Schema.Fps), group.Frames + 2, width, height);
        var frames = new List<byte[]>(group.Frames);
        for (var position = group.First; position < group.First + group.Count; position++)
            frames.AddRange(Match(feature, _episodes[position], 0, _episodes[position].Length, decoded));
        return frames;
    }

    private IReadOnlyList<byte[]> DecodeBlock(FeatureSpec feature, EpisodeRecord episode, int first, int count, int width, int height)
    {
        if (!episode.Videos.TryGetValue(feature.Key, out var span))
            throw new RobotHostException($"episode {episode.EpisodeIndex} has no video for '{feature.Key}' in meta/episodes; copy meta/ again");
        if (!File.Exists(span.Path))
            throw new RobotHostException($"video file {span.Path} is missing; copy the dataset's videos/ folder again (or download it from its hub repository)");
        var halfFrame = 0.5 / Schema.Fps;
        var firstTime = span.FromTimestamp + _timestamp[episode.FromIndex + first];
        var decoded = _video.Decode(span.Path, Math.Max(0, firstTime - halfFrame), count + 2, width, height);
        return Match(feature, episode, first, count, decoded);
    }

    /// <summary>Picks, for each wanted frame, the decoded frame within 1e-4 s of from_timestamp + timestamp.</summary>
    private byte[][] Match(FeatureSpec feature, EpisodeRecord episode, int first, int count, IReadOnlyList<(double Time, byte[] Rgb)> decoded)
    {
        var span = episode.Videos[feature.Key];
        var result = new byte[count][];
        var cursor = 0;
        for (var i = 0; i < count; i++)
        {
            var wanted = span.FromTimestamp + _timestamp[episode.FromIndex + first + i];
            while (cursor < decoded.Count && decoded[cursor].Time < wanted - ToleranceSeconds) cursor++;
            if (cursor >= decoded.Count || Math.Abs(decoded[cursor].Time - wanted) > ToleranceSeconds)
            {
                var nearest = decoded.Count == 0 ? "none decoded" : decoded.MinBy(d => Math.Abs(d.Time - wanted)).Time.ToString("F6", CultureInfo.InvariantCulture) + " s";
                throw new RobotHostException(
                    $"video file {span.Path} has no frame within {ToleranceSeconds} s of {wanted.ToString("F6", CultureInfo.InvariantCulture)} s (episode {episode.EpisodeIndex}, frame {first + i}; nearest {nearest}); the video is truncated or does not match meta/episodes — copy it again from the original dataset");
            }
            result[i] = decoded[cursor].Rgb;
        }
        return result;
    }

    /// <inheritdoc />
    public bool SupportsConcurrentReads => true;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
