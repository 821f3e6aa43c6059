namespace RobotHost.Sdk;

/// <summary>What a dataset holds: robot type, rate and features (vectors, bookkeeping, cameras).</summary>
/// <param name="RobotType">e.g. <c>so101_follower</c>.</param>
/// <param name="Fps">Frames per second.</param>
/// <param name="Features">User features: <c>action</c>, <c>observation.state</c>, <c>observation.images.*</c>, optional <c>next.reward</c>…</param>
public sealed record DatasetSchema(string RobotType, int Fps, IReadOnlyList<FeatureSpec> Features)
{
    /// <summary>Camera features.</summary>
    public IEnumerable<FeatureSpec> VisualFeatures => Features.Where(f => f.IsVisual);

    /// <summary>Vector features (everything but cameras).</summary>
    public IEnumerable<FeatureSpec> VectorFeatures => Features.Where(f => !f.IsVisual);

    /// <summary>The feature with this key, or an error naming the keys that exist.</summary>
    public FeatureSpec this[string key] => Features.FirstOrDefault(f => f.Key == key)
        ?? throw new KeyNotFoundException($"dataset has no feature '{key}' (has: {string.Join(", ", Features.Select(f => f.Key))})");
}

/// <summary>One frame as written or read: vector values and camera images by feature key.</summary>
public sealed class DatasetFrame
{
    /// <summary>Vector features by key (<c>action</c>, <c>observation.state</c>, …).</summary>
    public required IReadOnlyDictionary<string, float[]> Values { get; init; }

    /// <summary>Images by feature key (<c>observation.images.front</c>); empty when read without images.</summary>
    public IReadOnlyDictionary<string, CameraFrame> Images { get; init; } = new Dictionary<string, CameraFrame>();

    /// <summary>Global frame index (set by readers).</summary>
    public long Index { get; init; }

    /// <summary>Episode of the frame (set by readers).</summary>
    public long EpisodeIndex { get; init; }

    /// <summary>Index within the episode (set by readers).</summary>
    public long FrameIndex { get; init; }

    /// <summary>Seconds from episode start (set by readers).</summary>
    public double Timestamp { get; init; }

    /// <summary>Task index (set by readers).</summary>
    public long TaskIndex { get; init; }
}

/// <summary>Frames around one index by delta timestamps, with padding masks at episode edges.</summary>
/// <param name="Values">Per vector key, one vector per requested delta.</param>
/// <param name="Images">Per image key, one frame per requested delta.</param>
/// <param name="IsPad">Per key, true where the delta fell outside the episode and the edge frame was repeated.</param>
public sealed record FrameWindow(
    IReadOnlyDictionary<string, float[][]> Values,
    IReadOnlyDictionary<string, CameraFrame[]> Images,
    IReadOnlyDictionary<string, bool[]> IsPad);

/// <summary>One episode's place in a dataset.</summary>
/// <param name="EpisodeIndex">Episode number.</param>
/// <param name="Length">Frames.</param>
/// <param name="FromIndex">First global frame index.</param>
/// <param name="ToIndex">Global frame index after the last (exclusive).</param>
/// <param name="Tasks">Task strings.</param>
public sealed record EpisodeInfo(int EpisodeIndex, int Length, long FromIndex, long ToIndex, IReadOnlyList<string> Tasks);

/// <summary>Statistics of one feature, per element (per channel for images, values in [0,1]).</summary>
/// <param name="Min">Minimum.</param>
/// <param name="Max">Maximum.</param>
/// <param name="Mean">Mean.</param>
/// <param name="Std">Standard deviation.</param>
/// <param name="Count">Number of samples.</param>
/// <param name="Quantiles">q01, q10, q50, q90, q99 by name.</param>
public sealed record FeatureStats(double[] Min, double[] Max, double[] Mean, double[] Std, long Count, IReadOnlyDictionary<string, double[]> Quantiles);

/// <summary>Options of a dataset writer.</summary>
public sealed record DatasetWriterOptions
{
    /// <summary>Video codec while recording: <c>h264</c> (live-capable) or <c>av1</c> (LeRobot's default, slow).</summary>
    public string VideoCodec { get; init; } = "h264";

    /// <summary>Data parquet files roll over past this size.</summary>
    public int DataFilesSizeInMb { get; init; } = 100;

    /// <summary>Video files roll over past this size.</summary>
    public int VideoFilesSizeInMb { get; init; } = 200;
}

/// <summary>
/// Appends episodes to a dataset. Frames of the current episode are buffered (videos encode while recording);
/// <see cref="SaveEpisode"/> commits it, <see cref="DiscardEpisode"/> drops it. A process killed mid-episode
/// leaves every saved episode readable.
/// </summary>
public interface IDatasetWriter : IDisposable
{
    /// <summary>Root folder.</summary>
    string Root { get; }

    /// <summary>Schema being written.</summary>
    DatasetSchema Schema { get; }

    /// <summary>Episodes saved so far (including those from before a resume).</summary>
    int EpisodeCount { get; }

    /// <summary>Frames in the current, unsaved episode.</summary>
    int PendingFrames { get; }

    /// <summary>Appends one frame to the current episode (starting one when none is open).</summary>
    void AddFrame(DatasetFrame frame);

    /// <summary>Commits the current episode under <paramref name="task"/>; returns its index.</summary>
    int SaveEpisode(string task);

    /// <summary>Drops the current episode (re-record).</summary>
    void DiscardEpisode();
}

/// <summary>Random access to a dataset's frames, episodes, tasks and statistics.</summary>
public interface IDatasetReader : IDisposable
{
    /// <summary>Root folder.</summary>
    string Root { get; }

    /// <summary>Schema.</summary>
    DatasetSchema Schema { get; }

    /// <summary>Total frames.</summary>
    long TotalFrames { get; }

    /// <summary>Episodes in order.</summary>
    IReadOnlyList<EpisodeInfo> Episodes { get; }

    /// <summary>Task strings by task index.</summary>
    IReadOnlyList<string> Tasks { get; }

    /// <summary>Dataset statistics by feature key.</summary>
    IReadOnlyDictionary<string, FeatureStats> Stats { get; }

    /// <summary>Frame <paramref name="index"/> (global), with camera images decoded at its timestamp when asked.</summary>
    DatasetFrame GetFrame(long index, bool withImages = true);

    /// <summary>Frames at <paramref name="index"/> + each delta (seconds) per key, clamped to the episode with pad masks.</summary>
    FrameWindow GetWindow(long index, IReadOnlyDictionary<string, IReadOnlyList<double>> deltaTimestamps, bool withImages = true);

    /// <summary>
    /// True when <see cref="GetFrame"/> and <see cref="GetWindow"/> may be called from several threads at once (a
    /// training loader's workers then decode in parallel); false (the default) makes callers serialise their reads.
    /// </summary>
    bool SupportsConcurrentReads => false;
}

/// <summary>An on-disk dataset format registered under a key (e.g. <c>lerobot</c>).</summary>
public interface IDatasetFormat
{
    /// <summary>True when <paramref name="root"/> looks like a dataset of this format.</summary>
    bool CanOpen(string root);

    /// <summary>Creates a new dataset; fails if <paramref name="root"/> already holds one.</summary>
    IDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null);

    /// <summary>Opens an existing dataset to append episodes (numbering continues).</summary>
    IDatasetWriter Resume(string root, DatasetWriterOptions? options = null);

    /// <summary>Opens a dataset for reading; a corrupt or missing file gives an error naming it and the fix.</summary>
    IDatasetReader Open(string root);
}
