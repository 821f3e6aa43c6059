using RobotHost.Sdk;

namespace RobotHost.Tests.Support;

/// <summary>
/// A dataset format that keeps episodes in memory (per root) and can be made slow or failing, to test the recorder's
/// queueing, resume and error paths without a real writer.
/// </summary>
internal sealed class MemoryDatasetFormat : IDatasetFormat
{
    private readonly Dictionary<string, MemoryDataset> _datasets = [];

    /// <summary>Each AddFrame waits on this gate when set (a writer that cannot keep up).</summary>
    public SemaphoreSlim? FrameGate { get; set; }

    /// <summary>Each AddFrame takes this long (a slow encoder).</summary>
    public TimeSpan FrameDelay { get; set; }

    /// <summary>SaveEpisode throws when this returns true for the episode index.</summary>
    public Func<int, bool> FailSave { get; set; } = _ => false;

    public MemoryDataset this[string root] => _datasets[Path.GetFullPath(root)];

    public bool CanOpen(string root) => _datasets.ContainsKey(Path.GetFullPath(root));

    public IDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null)
    {
        var full = Path.GetFullPath(root);
        if (_datasets.ContainsKey(full)) throw new RobotHostException($"dataset exists in {full}");
        var dataset = _datasets[full] = new MemoryDataset(full, schema);
        return new Writer(this, dataset);
    }

    public IDatasetWriter Resume(string root, DatasetWriterOptions? options = null) => new Writer(this, this[root]);

    public IDatasetReader Open(string root) => throw new NotSupportedException("tests read MemoryDataset directly");

    internal sealed class MemoryDataset(string root, DatasetSchema schema)
    {
        public string Root => root;
        public DatasetSchema Schema => schema;
        public List<(string Task, List<DatasetFrame> Frames)> Episodes { get; } = [];
        public int Discards { get; set; }
        public int WriterDisposals { get; set; }
    }

    private sealed class Writer(MemoryDatasetFormat format, MemoryDataset dataset) : IDatasetWriter
    {
        private List<DatasetFrame> _pending = [];
        public string Root => dataset.Root;
        public DatasetSchema Schema => dataset.Schema;
        public int EpisodeCount => dataset.Episodes.Count;
        public int PendingFrames => _pending.Count;

        public void AddFrame(DatasetFrame frame)
        {
            format.FrameGate?.Wait();
            if (format.FrameDelay > TimeSpan.Zero) Thread.Sleep(format.FrameDelay);
            foreach (var f in Schema.VectorFeatures)
                if (!frame.Values.TryGetValue(f.Key, out var v) || v.Length != f.ElementCount) throw new InvalidOperationException($"frame lacks {f.Key}");
            foreach (var f in Schema.VisualFeatures)
                if (!frame.Images.ContainsKey(f.Key)) throw new InvalidOperationException($"frame lacks {f.Key}");
            _pending.Add(frame);
        }

        public int SaveEpisode(string task)
        {
            if (format.FailSave(dataset.Episodes.Count)) throw new IOException("disk full");
            dataset.Episodes.Add((task, _pending));
            _pending = [];
            return dataset.Episodes.Count - 1;
        }

        public void DiscardEpisode() { _pending = []; dataset.Discards++; }
        public void Dispose() => dataset.WriterDisposals++;
    }
}
