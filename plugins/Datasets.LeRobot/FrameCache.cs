namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Decoded camera frames by (camera, episode, block) — for a decode group of whole episodes, its first episode and block −1 —,
/// least recently used first out past a byte budget.
/// Concurrent readers asking for the same block wait for one decode (data loaders read from several threads).
/// </summary>
internal sealed class FrameCache(long budgetBytes)
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Key, int Episode, int Block), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recent = new();
    private long _bytes;

    private sealed record Entry((string Key, int Episode, int Block) Id, Lazy<IReadOnlyList<byte[]>> Frames, long Bytes);

    public IReadOnlyList<byte[]> Get((string Key, int Episode, int Block) id, long bytes, Func<IReadOnlyList<byte[]>> decode)
    {
        Entry entry;
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                entry = node.Value;
            }
            else
            {
                entry = new Entry(id, new Lazy<IReadOnlyList<byte[]>>(decode, LazyThreadSafetyMode.ExecutionAndPublication), bytes);
                _entries[id] = _recent.AddFirst(entry);
                _bytes += bytes;
                while (_bytes > budgetBytes && _recent.Last is { } last && last.Value != entry)
                {
                    _recent.RemoveLast();
                    _entries.Remove(last.Value.Id);
                    _bytes -= last.Value.Bytes;
                }
            }
        }
        try
        {
            return entry.Frames.Value;
        }
        catch
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(id, out var node) && node.Value == entry)
                {
                    _recent.Remove(node);
                    _entries.Remove(id);
                    _bytes -= entry.Bytes;
                }
            }
            throw;
        }
    }
}
