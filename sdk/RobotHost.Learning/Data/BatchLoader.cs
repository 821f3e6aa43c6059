using System.Diagnostics;

namespace RobotHost.Learning.Data;

/// <summary>
/// Background loading: worker threads build the batches of the next steps (decode, augment, collate) into a bounded
/// buffer while the training thread computes; <see cref="Take"/> hands out the batch of a given step and measures how
/// long training waited for data. With zero workers, batches are built on the calling thread (all of it counts as wait).
/// </summary>
public sealed class BatchLoader : IDisposable
{
    private readonly Func<long, HostBatch> _build;
    private readonly int _capacity;
    private readonly Dictionary<long, HostBatch> _ready = [];
    private readonly Dictionary<long, Exception> _failed = [];
    private readonly List<Thread> _workers = [];
    private readonly object _gate = new();
    private long _nextToBuild;
    private long _nextToTake;
    private bool _stopped;

    /// <summary>Starts <paramref name="workers"/> threads building from step <paramref name="firstStep"/>, at most <paramref name="capacity"/> batches ahead.</summary>
    public BatchLoader(Func<long, HostBatch> build, long firstStep, int workers, int capacity)
    {
        _build = build;
        _capacity = Math.Max(1, capacity);
        _nextToBuild = _nextToTake = firstStep;
        for (var i = 0; i < workers; i++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = $"batch-loader-{i}", Priority = ThreadPriority.BelowNormal };
            _workers.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Total time <see cref="Take"/> spent waiting for a batch.</summary>
    public TimeSpan WaitTime { get; private set; }

    /// <summary>The batch of <paramref name="step"/> (steps must be taken in order).</summary>
    public HostBatch Take(long step, CancellationToken cancel = default)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            if (_workers.Count == 0) return _build(step);
            lock (_gate)
            {
                if (step != _nextToTake) throw new InvalidOperationException($"batches are taken in order: expected step {_nextToTake}, got {step}");
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    if (_failed.Remove(step, out var error))
                    {
                        // A user-caused problem (missing video, bad dataset) keeps its message; anything else names the step.
                        if (error is Sdk.RobotHostException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
                        throw new InvalidOperationException($"building the batch of step {step} failed: {error.Message}", error);
                    }
                    if (_ready.Remove(step, out var batch))
                    {
                        _nextToTake = step + 1;
                        Monitor.PulseAll(_gate);
                        return batch;
                    }
                    Monitor.Wait(_gate, 100);
                }
            }
        }
        finally
        {
            WaitTime += sw.Elapsed;
        }
    }

    private void Work()
    {
        while (true)
        {
            long step;
            lock (_gate)
            {
                while (!_stopped && _nextToBuild >= _nextToTake + _capacity) Monitor.Wait(_gate);
                if (_stopped) return;
                step = _nextToBuild++;
            }
            HostBatch? batch = null;
            Exception? error = null;
            try { batch = _build(step); }
            catch (Exception e) { error = e; }
            lock (_gate)
            {
                if (error is not null) _failed[step] = error;
                else _ready[step] = batch!;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Stops the workers (batches being built finish in the background).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var t in _workers) t.Join(TimeSpan.FromSeconds(5));
    }
}
