using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Parquet.Schema;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Appends episodes to a LeRobot v3.0 dataset. Frame rows of the current episode stay in memory while each
/// camera streams into its own ffmpeg encoder (a fragmented-MP4 segment under <c>.partial/episode-*/</c>);
/// <see cref="SaveEpisode"/> appends the rows as one row group, the segments' fragments onto the cameras' mp4s
/// (<see cref="FragmentedMp4"/>) and one row to meta/episodes, then
/// rewrites the small meta files (tasks, stats, info) — all through <see cref="CommitJournal"/>, so a kill at any
/// moment leaves every saved episode readable. A parquet or video append is a tail patch (the new row group and
/// footer, the new fragments), not a copy of the file; meta/episodes is rewritten whole as one small row group; files
/// roll over past their size limit or after <see cref="LeRobotLayout.EpisodesPerFile"/> episodes, so what a save
/// writes does not grow with the dataset.
/// </summary>
public sealed class LeRobotDatasetWriter : IDatasetWriter
{
    private readonly VideoTools _video;
    private readonly ILogger _logger;
    private readonly WriterLock _lock;
    private readonly JsonObject _info;
    private readonly List<string> _tasks;
    private readonly ParquetSchema _frameSchema;
    private readonly ParquetSchema _episodeSchema;
    private readonly int _dataFilesSizeInMb;
    private readonly int _videoFilesSizeInMb;
    private readonly Dictionary<string, VideoCursor> _videoCursors = [];
    private Dictionary<string, FeatureStats> _stats;
    private FileCursor _dataCursor;
    private FileCursor _metaCursor;
    private readonly List<IDictionary<string, object?>> _metaRows = [];
    private long _totalFrames;

    // The episode being recorded.
    private readonly List<Dictionary<string, float[]>> _rows = [];
    private readonly Dictionary<string, SegmentEncoder> _encoders = [];
    private readonly Dictionary<string, ImageStatsAccumulator> _imageStats = [];
    private string? _episodeDirectory;
    private bool _disposed;

    private sealed record FileCursor(int Chunk, int File, bool Exists, int Episodes = 0);
    private sealed record VideoCursor(int Chunk, int File, double Duration, bool Exists, int Episodes = 0);

    private LeRobotDatasetWriter(string root, DatasetSchema schema, JsonObject info, List<string> tasks, Dictionary<string, FeatureStats> stats,
        VideoTools video, ILoggerFactory loggerFactory, WriterLock writerLock, string codec)
    {
        Root = root;
        Schema = schema;
        _info = info;
        _tasks = tasks;
        _stats = stats;
        _video = video;
        _logger = loggerFactory.CreateLogger<LeRobotDatasetWriter>();
        _lock = writerLock;
        VideoCodec = codec;
        _dataFilesSizeInMb = info["data_files_size_in_mb"]?.GetValue<int>() ?? 100;
        _videoFilesSizeInMb = info["video_files_size_in_mb"]?.GetValue<int>() ?? 200;
        _frameSchema = ParquetTables.FrameSchema(schema);
        _episodeSchema = EpisodeSchema(schema);
        _dataCursor = new FileCursor(0, 0, false);
        _metaCursor = new FileCursor(0, 0, false);
        foreach (var f in schema.VisualFeatures) _videoCursors[f.Key] = new VideoCursor(0, 0, 0, false);
    }

    /// <inheritdoc />
    public string Root { get; }

    /// <inheritdoc />
    public DatasetSchema Schema { get; }

    /// <summary>Codec of this dataset's videos (<c>h264</c> or <c>av1</c>).</summary>
    public string VideoCodec { get; }

    /// <inheritdoc />
    public int EpisodeCount { get; private set; }

    /// <inheritdoc />
    public int PendingFrames => _rows.Count;

    /// <summary>Frames saved so far.</summary>
    public long TotalFrames => _totalFrames;

    /// <summary>
    /// Bytes the last <see cref="SaveEpisode"/> staged for its commit: parquet tails or new files, joined videos, the
    /// meta files. Bounded by the episode's size and the file limits, not by the dataset's size.
    /// </summary>
    public long LastSaveBytesWritten { get; private set; }

    /// <summary>Creates a new dataset in <paramref name="root"/> (which may exist but must not hold a dataset).</summary>
    public static LeRobotDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null, VideoTools? video = null, ILoggerFactory? loggerFactory = null)
    {
        options ??= new DatasetWriterOptions();
        video ??= new VideoTools();
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        if (File.Exists(Path.Combine(root, LeRobotLayout.InfoPath)))
            throw new RobotHostException($"'{root}' already holds a dataset; resume it (--resume) or choose another folder");
        if (schema.VisualFeatures.Any()) VideoTools.EncoderArguments(options.VideoCodec);
        if (schema.VisualFeatures.Any()) _ = video.Ffmpeg; // fail before the first episode, not after it
        Directory.CreateDirectory(root);
        var writerLock = WriterLock.Acquire(root);
        // A recording killed before its first save leaves only .partial/ behind.
        CommitJournal.Recover(Path.GetFullPath(root), loggerFactory.CreateLogger<LeRobotDatasetWriter>());
        var info = DatasetInfo.Create(schema, options);
        var writer = new LeRobotDatasetWriter(Path.GetFullPath(root), schema, info, [], [], video, loggerFactory, writerLock, options.VideoCodec);
        var temp = writer.TempPath("info.json");
        WriteJson(temp, info);
        CommitJournal.Commit(writer.Root, [(temp, LeRobotLayout.InfoPath)]);
        return writer;
    }

    /// <summary>Opens an existing v3.0 dataset to append episodes; numbering, files and stats continue.</summary>
    public static LeRobotDatasetWriter Resume(string root, DatasetWriterOptions? options = null, VideoTools? video = null, ILoggerFactory? loggerFactory = null)
    {
        video ??= new VideoTools();
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<LeRobotDatasetWriter>();
        root = Path.GetFullPath(root);
        var writerLock = WriterLock.Acquire(root);
        try
        {
            CommitJournal.Recover(root, logger);
            var info = DatasetInfo.Load(root);
            var version = info["codebase_version"]?.GetValue<string>();
            if (version != LeRobotLayout.CodebaseVersion)
                throw new RobotHostException($"'{root}' is a LeRobot {version} dataset; convert it first with `robothost dataset convert {root} NEW_DIR`");
            var schema = DatasetInfo.Schema(info, Path.Combine(root, LeRobotLayout.InfoPath));
            var codec = schema.VisualFeatures.Select(f => DatasetInfo.VideoCodec(info, f.Key)).FirstOrDefault(c => c is not null) ?? options?.VideoCodec ?? "h264";
            if (options is not null && schema.VisualFeatures.Any() && options.VideoCodec != codec)
                logger.LogWarning("Dataset {Root} holds {Codec} videos; new episodes are encoded as {Codec} too (one codec per file), not {Requested}", root, codec, codec, options.VideoCodec);
            var tasks = File.Exists(Path.Combine(root, LeRobotLayout.TasksPath)) ? LeRobotMetadata.LoadTasks(root) : [];
            var statsPath = Path.Combine(root, LeRobotLayout.StatsPath);
            var stats = File.Exists(statsPath) ? DatasetStatistics.FromJson(LeRobotMetadata.LoadJson(statsPath)) : [];
            var writer = new LeRobotDatasetWriter(root, schema, info, tasks.ToList(), stats, video, loggerFactory, writerLock, codec);
            var episodes = LeRobotMetadata.LoadEpisodes(root, schema);
            if (episodes.Count > 0)
            {
                var last = episodes[^1];
                writer.EpisodeCount = last.EpisodeIndex + 1;
                writer._totalFrames = last.ToIndex;
                writer._dataCursor = new FileCursor(last.DataChunk, last.DataFile, true,
                    episodes.Count(e => (e.DataChunk, e.DataFile) == (last.DataChunk, last.DataFile)));
                // The current meta/episodes file is rewritten whole from rows held in memory (see SaveEpisode); a
                // resumed writer does not hold the rows of the last file, so it starts the next one.
                var (metaChunk, metaFile) = LeRobotLayout.Next(last.MetaChunk, last.MetaFile);
                writer._metaCursor = new FileCursor(metaChunk, metaFile, false);
                foreach (var (key, v) in last.Videos)
                    writer._videoCursors[key] = new VideoCursor(v.Chunk, v.File, v.ToTimestamp, true,
                        episodes.Count(e => e.Videos.TryGetValue(key, out var o) && (o.Chunk, o.File) == (v.Chunk, v.File)));
            }
            logger.LogInformation("Resuming dataset {Root} at episode {Episode} (frame {Frame})", root, writer.EpisodeCount, writer._totalFrames);
            return writer;
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void AddFrame(DatasetFrame frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var values = new Dictionary<string, float[]>();
        foreach (var f in Schema.VectorFeatures)
        {
            if (!frame.Values.TryGetValue(f.Key, out var v))
                throw new RobotHostException($"frame has no '{f.Key}' (has: {string.Join(", ", frame.Values.Keys)}); every frame needs every feature of the dataset");
            if (v.Length != f.ElementCount)
                throw new RobotHostException($"frame '{f.Key}' has {v.Length} values, the dataset declares {f.ElementCount}");
            values[f.Key] = (float[])v.Clone();
        }
        foreach (var f in Schema.VisualFeatures)
        {
            if (!frame.Images.TryGetValue(f.Key, out var image))
                throw new RobotHostException($"frame has no image '{f.Key}'; every frame needs an image of every camera of the dataset");
            if (image.Width != f.Shape[1] || image.Height != f.Shape[0] || !image.IsWellFormed)
                throw new RobotHostException($"image '{f.Key}' is {image.Width}×{image.Height}, the dataset declares {f.Shape[1]}×{f.Shape[0]}; set the camera to that size");
        }
        if (_episodeDirectory is null) StartEpisode();
        foreach (var f in Schema.VisualFeatures)
        {
            var image = frame.Images[f.Key];
            _encoders[f.Key].Write(image.Rgb);
            _imageStats[f.Key].Add(image.Rgb, image.Width, image.Height);
        }
        _rows.Add(values);
    }

    private void StartEpisode()
    {
        _episodeDirectory = Path.Combine(CommitJournal.PartialDirectory(Root), $"episode-{EpisodeCount:D6}-{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(_episodeDirectory);
        foreach (var f in Schema.VisualFeatures)
        {
            _encoders[f.Key] = _video.StartEncoder(Path.Combine(_episodeDirectory, f.Key + ".mp4"), f.Shape[1], f.Shape[0], Schema.Fps, VideoCodec);
            _imageStats[f.Key] = new ImageStatsAccumulator();
        }
    }

    /// <inheritdoc />
    public int SaveEpisode(string task)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_rows.Count == 0 || _episodeDirectory is null)
            throw new RobotHostException("no frames recorded in this episode; nothing to save");
        var timing = System.Diagnostics.Stopwatch.StartNew();
        foreach (var encoder in _encoders.Values) encoder.Finish();
        var encodersMs = timing.Elapsed.TotalMilliseconds;

        var episodeIndex = EpisodeCount;
        var length = _rows.Count;
        var newTask = !_tasks.Contains(task);
        if (newTask) _tasks.Add(task);
        var taskIndex = _tasks.IndexOf(task);
        var renames = new List<CommitJournal.Entry>();

        // Frame rows (one row group per episode, as LeRobot's to_parquet_one_row_group_per_episode).
        var rows = new List<IDictionary<string, object?>>(length);
        for (var i = 0; i < length; i++)
        {
            var row = new Dictionary<string, object?>();
            foreach (var f in Schema.VectorFeatures) row[f.Key] = ParquetTables.ToColumnValue(_rows[i][f.Key], f);
            row["timestamp"] = (float)((double)i / Schema.Fps);
            row["frame_index"] = (long)i;
            row["episode_index"] = (long)episodeIndex;
            row["index"] = _totalFrames + i;
            row["task_index"] = (long)taskIndex;
            rows.Add(row);
        }
        var estimatedBytes = (long)length * (Schema.VectorFeatures.Sum(f => f.ElementCount) * 4 + 40);
        var dataCursor = Advance(_dataCursor, LeRobotLayout.DataFile, estimatedBytes, _dataFilesSizeInMb);
        renames.Add(StageParquet(dataCursor, LeRobotLayout.DataFile(dataCursor.Chunk, dataCursor.File), "data", _frameSchema, rows));

        // Videos: the episode's fragments go onto the end of the camera's current file (a tail patch, as the data).
        var videoPlacement = new Dictionary<string, (VideoCursor Cursor, double From, double To)>();
        foreach (var f in Schema.VisualFeatures)
        {
            var segment = _encoders[f.Key].OutputPath;
            var duration = (double)length / Schema.Fps;
            var cursor = _videoCursors[f.Key];
            byte[]? fragments = null;
            if (cursor.Exists)
            {
                var existing = Path.Combine(Root, LeRobotLayout.VideoFile(f.Key, cursor.Chunk, cursor.File));
                var size = new FileInfo(existing).Length;
                if ((size + new FileInfo(segment).Length) / 1048576.0 < _videoFilesSizeInMb && cursor.Episodes < LeRobotLayout.EpisodesPerFile)
                {
                    fragments = FragmentedMp4.Append(FragmentedMp4.Read(existing), segment, cursor.Duration);
                    // A file that cannot take fragments (written without them, or by another encoder) is closed.
                    if (fragments is null) _logger.LogInformation("Video {File} cannot be appended to without re-muxing it; episode {Episode} starts a new file", existing, episodeIndex);
                }
                if (fragments is null)
                {
                    var (chunk, file) = LeRobotLayout.Next(cursor.Chunk, cursor.File);
                    cursor = new VideoCursor(chunk, file, 0, false);
                }
                else renames.Add(StageTail(f.Key, LeRobotLayout.VideoFile(f.Key, cursor.Chunk, cursor.File), size, fragments));
            }
            if (fragments is null) renames.Add(new CommitJournal.Entry(segment, LeRobotLayout.VideoFile(f.Key, cursor.Chunk, cursor.File)));
            videoPlacement[f.Key] = (cursor with { Duration = cursor.Duration + duration, Exists = true, Episodes = cursor.Episodes + 1 }, cursor.Duration, cursor.Duration + duration);
        }
        var joinMs = timing.Elapsed.TotalMilliseconds - encodersMs;

        // Statistics of this episode, then of the dataset.
        var episodeStats = new Dictionary<string, FeatureStats>();
        foreach (var f in Schema.VectorFeatures) episodeStats[f.Key] = DatasetStatistics.ForVectors(_rows.Select(r => r[f.Key]).ToList());
        foreach (var f in Schema.VisualFeatures) episodeStats[f.Key] = _imageStats[f.Key].ToStats();
        episodeStats["timestamp"] = DatasetStatistics.ForVectors(Enumerable.Range(0, length).Select(i => new[] { (float)((double)i / Schema.Fps) }).ToList());
        episodeStats["frame_index"] = DatasetStatistics.ForVectors(Enumerable.Range(0, length).Select(i => new[] { (float)i }).ToList());
        episodeStats["episode_index"] = DatasetStatistics.ForVectors(Enumerable.Range(0, length).Select(_ => new[] { (float)episodeIndex }).ToList());
        episodeStats["index"] = DatasetStatistics.ForVectors(Enumerable.Range(0, length).Select(i => new[] { (float)(_totalFrames + i) }).ToList());
        episodeStats["task_index"] = DatasetStatistics.ForVectors(Enumerable.Range(0, length).Select(_ => new[] { (float)taskIndex }).ToList());
        var datasetStats = DatasetStatistics.Aggregate([_stats, episodeStats]);

        // The episode's row in meta/episodes.
        var metaCursor = Advance(_metaCursor, LeRobotLayout.EpisodesFile, 4096, _dataFilesSizeInMb);
        var episodeRow = new Dictionary<string, object?>
        {
            ["episode_index"] = (long)episodeIndex,
            ["tasks"] = ParquetTables.StringList([task]),
            ["length"] = (long)length,
            ["data/chunk_index"] = (long)dataCursor.Chunk,
            ["data/file_index"] = (long)dataCursor.File,
            ["dataset_from_index"] = _totalFrames,
            ["dataset_to_index"] = _totalFrames + length,
        };
        foreach (var (key, (cursor, from, to)) in videoPlacement)
        {
            episodeRow[$"videos/{key}/chunk_index"] = (long)cursor.Chunk;
            episodeRow[$"videos/{key}/file_index"] = (long)cursor.File;
            episodeRow[$"videos/{key}/from_timestamp"] = from;
            episodeRow[$"videos/{key}/to_timestamp"] = to;
        }
        foreach (var (key, s) in episodeStats) AddStatsColumns(episodeRow, key, s, Schema.Features.Any(f => f.Key == key && f.IsVisual));
        episodeRow["meta/episodes/chunk_index"] = (long)metaCursor.Chunk;
        episodeRow["meta/episodes/file_index"] = (long)metaCursor.File;
        // meta/episodes is written whole, as one row group, from the rows of its file held in memory. Appended as a
        // row group per episode, as the data is, its footer would grow by the statistics columns of every feature
        // (~14 KB per episode) and each save would rewrite all of it; one row group keeps the footer one size and
        // the rows themselves are a few hundred bytes each.
        var metaTemp = TempPath("episodes.parquet");
        ParquetTables.Write(metaTemp, _episodeSchema, metaCursor.Exists ? [.. _metaRows, episodeRow] : [episodeRow]);
        var metaEntry = new CommitJournal.Entry(metaTemp, LeRobotLayout.EpisodesFile(metaCursor.Chunk, metaCursor.File));

        if (newTask)
        {
            var tasksTemp = TempPath("tasks.parquet");
            LeRobotMetadata.WriteTasks(tasksTemp, _tasks);
            renames.Add(new CommitJournal.Entry(tasksTemp, LeRobotLayout.TasksPath));
        }
        // The episode row is what readers go by: it lands after the data and videos it points at.
        renames.Add(metaEntry);
        var statsTemp = TempPath("stats.json");
        WriteJson(statsTemp, DatasetStatistics.ToJson(datasetStats, IsVisual));
        renames.Add(new CommitJournal.Entry(statsTemp, LeRobotLayout.StatsPath));
        _info["total_episodes"] = episodeIndex + 1;
        _info["total_frames"] = _totalFrames + length;
        _info["total_tasks"] = _tasks.Count;
        _info["splits"] = new JsonObject { ["train"] = $"0:{episodeIndex + 1}" };
        var infoTemp = TempPath("info.json");
        WriteJson(infoTemp, _info);
        renames.Add(new CommitJournal.Entry(infoTemp, LeRobotLayout.InfoPath));

        LastSaveBytesWritten = renames.Sum(r => new FileInfo(r.Temp).Length);
        CommitJournal.Commit(Root, renames);
        Directory.Delete(Path.GetDirectoryName(infoTemp)!, recursive: true);

        _dataCursor = dataCursor with { Exists = true, Episodes = dataCursor.Episodes + 1 };
        _metaCursor = metaCursor with { Exists = true, Episodes = metaCursor.Episodes + 1 };
        if (!metaCursor.Exists) _metaRows.Clear();
        _metaRows.Add(episodeRow);
        foreach (var (key, placement) in videoPlacement) _videoCursors[key] = placement.Cursor;
        _stats = datasetStats;
        _totalFrames += length;
        EpisodeCount = episodeIndex + 1;
        ClearEpisode();
        _logger.LogInformation("Saved episode {Episode} ({Frames} frames, task '{Task}') to {Root} in {Ms:F0} ms (encoders {EncodersMs:F0}, video append {JoinMs:F0}, tables and commit {CommitMs:F0})",
            episodeIndex, length, task, Root, timing.Elapsed.TotalMilliseconds, encodersMs, joinMs, timing.Elapsed.TotalMilliseconds - encodersMs - joinMs);
        return episodeIndex;
    }

    private bool IsVisual(string key) => Schema.Features.Any(f => f.Key == key && f.IsVisual);

    private FileCursor Advance(FileCursor cursor, Func<int, int, string> path, long newBytes, int limitMb)
    {
        if (!cursor.Exists) return cursor;
        var size = new FileInfo(Path.Combine(Root, path(cursor.Chunk, cursor.File))).Length;
        // As LeRobot does: the file's own average is the best guess of what one more episode adds.
        if (cursor.Episodes > 0) newBytes = Math.Max(newBytes, size / cursor.Episodes);
        if ((size + newBytes) / 1048576.0 < limitMb && cursor.Episodes < LeRobotLayout.EpisodesPerFile) return cursor;
        var (chunk, file) = LeRobotLayout.Next(cursor.Chunk, cursor.File);
        return new FileCursor(chunk, file, false);
    }

    /// <summary>
    /// Stages rows for <paramref name="final"/>: a new file when the cursor starts one, else a tail patch that appends
    /// them as a row group (the file itself is untouched until the commit).
    /// </summary>
    private CommitJournal.Entry StageParquet(FileCursor cursor, string final, string name, ParquetSchema schema, IReadOnlyCollection<IDictionary<string, object?>> rows)
    {
        if (!cursor.Exists)
        {
            var temp = TempPath(name + ".parquet");
            ParquetTables.Write(temp, schema, rows);
            return new CommitJournal.Entry(temp, final);
        }
        var (at, tail) = ParquetTables.AppendTail(Path.Combine(Root, final), schema, rows);
        return StageTail(name, final, at, tail);
    }

    /// <summary>Stages <paramref name="tail"/> as a patch of <paramref name="final"/> from offset <paramref name="at"/> on, flushed to disk before the commit point.</summary>
    private CommitJournal.Entry StageTail(string name, string final, long at, byte[] tail)
    {
        var temp = TempPath(name + ".tail");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(tail);
            stream.Flush(flushToDisk: true);
        }
        return new CommitJournal.Entry(temp, final, at);
    }

    private string TempPath(string name)
    {
        var dir = Path.Combine(CommitJournal.PartialDirectory(Root), $"commit-{EpisodeCount:D6}");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    /// <inheritdoc />
    public void DiscardEpisode()
    {
        if (_episodeDirectory is not null)
            _logger.LogInformation("Discarded episode {Episode} ({Frames} frames)", EpisodeCount, _rows.Count);
        foreach (var encoder in _encoders.Values) encoder.Abort();
        ClearEpisode();
    }

    private void ClearEpisode()
    {
        foreach (var encoder in _encoders.Values) encoder.Dispose();
        _encoders.Clear();
        _imageStats.Clear();
        _rows.Clear();
        if (_episodeDirectory is not null && Directory.Exists(_episodeDirectory)) Directory.Delete(_episodeDirectory, recursive: true);
        _episodeDirectory = null;
        var commitDir = Path.Combine(CommitJournal.PartialDirectory(Root), $"commit-{EpisodeCount:D6}");
        if (Directory.Exists(commitDir)) Directory.Delete(commitDir, recursive: true);
    }

    /// <summary>Stops without cleaning up, as a process killed with SIGKILL would (crash tests).</summary>
    internal void SimulateCrash()
    {
        foreach (var encoder in _encoders.Values) encoder.Abort();
        _lock.Release();
        _disposed = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        if (_rows.Count > 0) _logger.LogWarning("Dataset {Root}: closing with {Frames} unsaved frames; the episode is discarded", Root, _rows.Count);
        DiscardEpisode();
        _disposed = true;
        _lock.Dispose();
        var partial = CommitJournal.PartialDirectory(Root);
        try
        {
            File.Delete(Path.Combine(partial, WriterLock.FileName));
            if (Directory.Exists(partial) && !Directory.EnumerateFileSystemEntries(partial).Any()) Directory.Delete(partial);
        }
        catch (IOException) { }
    }

    internal static void WriteJson(string path, JsonNode node)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true }))
            node.WriteTo(writer);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Columns of meta/episodes as LeRobot writes them (flatten_dict of episode metadata and stats).</summary>
    internal static ParquetSchema EpisodeSchema(DatasetSchema schema)
    {
        var fields = new List<Field>
        {
            new DataField<long>("episode_index"),
            ParquetTables.List<string>("tasks"),
            new DataField<long>("length"),
            new DataField<long>("data/chunk_index"),
            new DataField<long>("data/file_index"),
            new DataField<long>("dataset_from_index"),
            new DataField<long>("dataset_to_index"),
        };
        foreach (var f in schema.VisualFeatures)
        {
            fields.Add(new DataField<long>($"videos/{f.Key}/chunk_index"));
            fields.Add(new DataField<long>($"videos/{f.Key}/file_index"));
            fields.Add(new DataField<double>($"videos/{f.Key}/from_timestamp"));
            fields.Add(new DataField<double>($"videos/{f.Key}/to_timestamp"));
        }
        var statKeys = schema.Features.Select(f => (f.Key, f.IsVisual)).Concat(LeRobotLayout.DefaultFeatures.Select(d => (d.Key, false)));
        foreach (var (key, visual) in statKeys)
        {
            foreach (var stat in StatNames)
            {
                var name = $"stats/{key}/{stat}";
                if (stat == "count") fields.Add(ParquetTables.List<long>(name));
                else if (visual) fields.Add(new ListField(name, new ListField("element", ParquetTables.List<double>("element"))));
                else fields.Add(ParquetTables.List<double>(name));
            }
        }
        fields.Add(new DataField<long>("meta/episodes/chunk_index"));
        fields.Add(new DataField<long>("meta/episodes/file_index"));
        return new ParquetSchema(fields);
    }

    internal static readonly string[] StatNames = ["min", "max", "mean", "std", "count", .. LeRobotLayout.Quantiles.Select(q => q.Name)];

    private static void AddStatsColumns(Dictionary<string, object?> row, string key, FeatureStats s, bool visual)
    {
        object Shape(double[] v) => visual ? v.Select(x => new[] { new[] { x } }).ToArray() : v;
        row[$"stats/{key}/min"] = Shape(s.Min);
        row[$"stats/{key}/max"] = Shape(s.Max);
        row[$"stats/{key}/mean"] = Shape(s.Mean);
        row[$"stats/{key}/std"] = Shape(s.Std);
        row[$"stats/{key}/count"] = new[] { s.Count };
        foreach (var (name, _) in LeRobotLayout.Quantiles)
            row[$"stats/{key}/{name}"] = Shape(s.Quantiles.TryGetValue(name, out var q) ? q : new double[s.Mean.Length]);
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
