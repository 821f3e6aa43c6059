using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace RobotHost.Recording;

/// <summary>
/// Owns an <see cref="IDatasetWriter"/> on its own thread (docs/architecture.md, "Processes and threads"): the control loop hands frames to a
/// bounded queue and never waits on the disk or a video encoder. In real time a full queue drops the frame and counts it —
/// the loop's timing is worth more than one frame, but the loss is reported, never hidden; without real time (a simulator
/// running flat out) <see cref="AddFrame"/> waits for room instead, so nothing is lost. Saves and discards travel through
/// the same queue, so they apply after every frame queued before them.
/// </summary>
public sealed class DatasetWriterPump : IDisposable
{
    private readonly IDatasetWriter _writer;
    private readonly ILogger _log;
    private readonly BlockingCollection<Item> _queue;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _slots;
    private long _dropped;
    private int _maxDepth;
    private volatile Exception? _fault;
    private volatile int _episodeCount;

    /// <summary>Starts the writer thread.</summary>
    /// <param name="writer">The writer; only the pump's thread calls it from now on, until <see cref="Dispose"/>.</param>
    /// <param name="capacity">Frames the queue holds.</param>
    /// <param name="log">Where drops and failures are logged.</param>
    public DatasetWriterPump(IDatasetWriter writer, int capacity, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _writer = writer;
        _log = log;
        Capacity = capacity;
        _slots = new SemaphoreSlim(capacity, capacity);
        _episodeCount = writer.EpisodeCount;
        _queue = new BlockingCollection<Item>(new ConcurrentQueue<Item>());
        _thread = new Thread(Drain) { IsBackground = true, Name = "dataset-writer", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>Frames the queue holds.</summary>
    public int Capacity { get; }

    /// <summary>Frames waiting now.</summary>
    public int Depth => Capacity - _slots.CurrentCount;

    /// <summary>Deepest the queue got.</summary>
    public int MaxDepth => Volatile.Read(ref _maxDepth);

    /// <summary>Frames dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Episodes in the dataset as of the last completed save.</summary>
    public int EpisodeCount => _episodeCount;

    /// <summary>The writer's failure, if it failed (the session must stop: later frames are not written).</summary>
    public Exception? Fault => _fault;

    /// <summary>Queues a frame without blocking. False (and counted, and logged) when the queue is full.</summary>
    public bool TryAddFrame(DatasetFrame frame)
    {
        ThrowIfFaulted();
        if (!_slots.Wait(0))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            // Loud but bounded: the first drop, then every 30th.
            if (dropped == 1 || dropped % 30 == 0)
                _log.LogWarning("writer queue full ({Capacity} frames): dropped {Dropped} frame(s) so far — the writer cannot keep up", Capacity, dropped);
            return false;
        }
        Queue(frame);
        return true;
    }

    /// <summary>Queues a frame, waiting for room when the queue is full (for loops with no real time to keep).</summary>
    public void AddFrame(DatasetFrame frame, CancellationToken cancel = default)
    {
        ThrowIfFaulted();
        while (!_slots.Wait(100, cancel)) ThrowIfFaulted();
        Queue(frame);
    }

    private void Queue(DatasetFrame frame)
    {
        InterlockedMax(ref _maxDepth, Depth);
        _queue.Add(new FrameItem(frame));
    }

    /// <summary>Commits the current episode after the frames queued so far; completes with its index and the writer's save time.</summary>
    public Task<(int EpisodeIndex, double SaveSeconds)> SaveEpisodeAsync(string task)
    {
        var done = new TaskCompletionSource<(int, double)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new SaveItem(task, done));
        return done.Task;
    }

    /// <summary>Drops the current episode after the frames queued so far.</summary>
    public Task DiscardEpisodeAsync()
    {
        var done = new TaskCompletionSource<(int, double)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new DiscardItem(done));
        return done.Task;
    }

    /// <summary>Throws the writer's failure (wrapped, naming the dataset) if it failed.</summary>
    public void ThrowIfFaulted()
    {
        var fault = _fault;
        if (fault is null) return;
        throw fault is RobotHostException r
            ? new RobotHostException(r.Message, r)
            : new RobotHostException($"the dataset writer failed ({fault.GetType().Name}: {fault.Message}); episodes saved before it are kept in {_writer.Root}", fault);
    }

    /// <summary>Lets the queue drain (pending frames of an unsaved episode stay unsaved) and stops the thread. Does not dispose the writer.</summary>
    public void Dispose()
    {
        if (!_queue.IsAddingCompleted) _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
        _slots.Dispose();
    }

    private void Enqueue(Item item)
    {
        ThrowIfFaulted();
        _queue.Add(item);
    }

    private void Drain()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            try
            {
                switch (item)
                {
                    case FrameItem frame:
                        try
                        {
                            if (_fault is null) _writer.AddFrame(frame.Frame);
                        }
                        finally
                        {
                            // Room is made once the writer has the frame, so the queue bound covers frames in flight too.
                            _slots.Release();
                        }
                        break;
                    case SaveItem save:
                        if (_fault is not null) { save.Done.TrySetException(_fault); break; }
                        var sw = Stopwatch.StartNew();
                        var index = _writer.SaveEpisode(save.Task);
                        _episodeCount = _writer.EpisodeCount;
                        save.Done.TrySetResult((index, sw.Elapsed.TotalSeconds));
                        break;
                    case DiscardItem discard:
                        if (_fault is not null) { discard.Done.TrySetException(_fault); break; }
                        _writer.DiscardEpisode();
                        discard.Done.TrySetResult((-1, 0));
                        break;
                }
            }
            catch (Exception e)
            {
                _log.LogError(e, "dataset writer failed on {Item}", item.GetType().Name);
                _fault ??= e;
                switch (item)
                {
                    case SaveItem s: s.Done.TrySetException(e); break;
                    case DiscardItem d: d.Done.TrySetException(e); break;
                }
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private abstract record Item;
    private sealed record FrameItem(DatasetFrame Frame) : Item;
    private sealed record SaveItem(string Task, TaskCompletionSource<(int, double)> Done) : Item;
    private sealed record DiscardItem(TaskCompletionSource<(int, double)> Done) : Item;
}
