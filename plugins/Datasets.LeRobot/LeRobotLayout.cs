namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// File names and defaults of the LeRobot v3.0 layout (lerobot/datasets/utils.py: DEFAULT_CHUNK_SIZE,
/// DEFAULT_DATA_FILE_SIZE_IN_MB, INFO_PATH, CHUNK_FILE_PATTERN…).
/// </summary>
public static class LeRobotLayout
{
    /// <summary>The version this plugin writes.</summary>
    public const string CodebaseVersion = "v3.0";
    /// <summary>The older layout this plugin reads and converts.</summary>
    public const string CodebaseVersionV21 = "v2.1";
    /// <summary>Files per chunk folder.</summary>
    public const int ChunksSize = 1000;
    /// <summary>
    /// Episodes per data, meta/episodes and video file at most (besides the size limits). A parquet footer lists every
    /// row group, about 0.7 KB per episode in a data file and 10 KB in meta/episodes, and each append rewrites it; an
    /// mp4 join rewrites the file. This keeps both bounded. LeRobot reads any number of files.
    /// </summary>
    public const int EpisodesPerFile = 100;
    /// <summary>meta/info.json.</summary>
    public const string InfoPath = "meta/info.json";
    /// <summary>meta/stats.json.</summary>
    public const string StatsPath = "meta/stats.json";
    /// <summary>meta/tasks.parquet.</summary>
    public const string TasksPath = "meta/tasks.parquet";
    /// <summary>Template of frame parquet files.</summary>
    public const string DataPathTemplate = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
    /// <summary>Template of concatenated videos.</summary>
    public const string VideoPathTemplate = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
    /// <summary>
    /// Folder (inside the dataset root) of the episode being recorded and of a commit in progress. LeRobot ignores it;
    /// its content is discarded or rolled forward when a writer next opens the dataset.
    /// </summary>
    public const string PartialDirectory = ".partial";

    /// <summary>The bookkeeping columns of every frame row, all shape [1] (lerobot DEFAULT_FEATURES).</summary>
    public static readonly IReadOnlyList<(string Key, string DType)> DefaultFeatures =
    [
        ("timestamp", "float32"), ("frame_index", "int64"), ("episode_index", "int64"), ("index", "int64"), ("task_index", "int64"),
    ];

    /// <summary>The quantiles LeRobot stores (compute_stats.DEFAULT_QUANTILES).</summary>
    public static readonly IReadOnlyList<(string Name, double Q)> Quantiles =
        [("q01", 0.01), ("q10", 0.10), ("q50", 0.50), ("q90", 0.90), ("q99", 0.99)];

    /// <summary>Frame parquet path of a chunk and file.</summary>
    public static string DataFile(int chunk, int file) => $"data/chunk-{chunk:D3}/file-{file:D3}.parquet";

    /// <summary>Episode metadata parquet path of a chunk and file.</summary>
    public static string EpisodesFile(int chunk, int file) => $"meta/episodes/chunk-{chunk:D3}/file-{file:D3}.parquet";

    /// <summary>Concatenated video path of a camera key, chunk and file.</summary>
    public static string VideoFile(string videoKey, int chunk, int file) => $"videos/{videoKey}/chunk-{chunk:D3}/file-{file:D3}.mp4";

    /// <summary>Next (chunk, file) after a full file.</summary>
    public static (int Chunk, int File) Next(int chunk, int file) => file + 1 >= ChunksSize ? (chunk + 1, 0) : (chunk, file + 1);

    /// <summary>True for the five bookkeeping columns.</summary>
    public static bool IsDefaultFeature(string key) => DefaultFeatures.Any(f => f.Key == key);
}
