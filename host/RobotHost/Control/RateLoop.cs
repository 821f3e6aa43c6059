using System.Diagnostics;

namespace RobotHost.Control;

/// <summary>
/// A fixed-rate loop that measures itself: call <see cref="WaitForNextTick"/> at the top of every iteration,
/// or hand a body to <see cref="Run"/>. Deadlines are absolute (start + k × period), so a late tick does not
/// shift the ones after it; a body that runs past the next deadline counts as an overrun and the schedule
/// restarts from now instead of bursting to catch up (a robot must not get a burst of goals).
/// With <c>realtime: false</c> the loop never sleeps (a simulator running faster than real time) but is still measured.
/// One thread drives a loop; <see cref="Stats"/> may be read from any thread.
/// </summary>
public sealed class RateLoop
{
    // Percentiles over the most recent ticks: ~2 min at 30 Hz, bounded memory for loops that run for hours.
    private const int Window = 4096;
    // Sleep until this close to the deadline, then yield: Thread.Sleep alone overshoots by ~0.1–1 ms on Linux.
    private static readonly double SpinSeconds = 0.0015;

    private readonly Lock _gate = new();
    private readonly double[] _periods = new double[Window];
    private readonly double[] _bodies = new double[Window];
    private long _ticks;
    private long _overruns;
    private double _periodSum;
    private double _periodMean;
    private double _periodM2;
    private double _periodMax;
    private long _periodCount;
    private long _nextDeadline;
    private long _lastTickStart;
    private long _bodyStart;

    /// <summary>Creates a loop at <paramref name="hz"/> ticks per second.</summary>
    /// <param name="hz">Rate, e.g. 30.</param>
    /// <param name="realtime">False: never sleep (as fast as the body allows), still measured.</param>
    public RateLoop(double hz, bool realtime = true)
    {
        if (!(hz > 0) || double.IsInfinity(hz)) throw new ArgumentOutOfRangeException(nameof(hz), hz, "rate must be a positive number of Hz");
        Hz = hz;
        Realtime = realtime;
        PeriodTicks = (long)Math.Round(Stopwatch.Frequency / hz);
    }

    /// <summary>Target rate.</summary>
    public double Hz { get; }

    /// <summary>True when the loop sleeps to hold its rate.</summary>
    public bool Realtime { get; }

    /// <summary>Target period.</summary>
    public TimeSpan Period => TimeSpan.FromSeconds(1.0 / Hz);

    private long PeriodTicks { get; }

    /// <summary>Ticks since the last <see cref="Restart"/>.</summary>
    public long Ticks { get { lock (_gate) return _ticks; } }

    /// <summary>
    /// Forgets the schedule (the next tick starts at once) but keeps the statistics — e.g. after a pause between
    /// episodes, so the pause is not counted as one very long period.
    /// </summary>
    public void Restart()
    {
        lock (_gate)
        {
            _nextDeadline = 0;
            _lastTickStart = 0;
            _bodyStart = 0;
        }
    }

    /// <summary>Clears the statistics (and the schedule).</summary>
    public void ResetStats()
    {
        lock (_gate)
        {
            _ticks = _overruns = _periodCount = 0;
            _periodSum = _periodMean = _periodM2 = _periodMax = 0;
            Array.Clear(_periods);
            Array.Clear(_bodies);
        }
        Restart();
    }

    /// <summary>
    /// Ends the previous tick's body (measuring it), waits until the next deadline (realtime only), and starts a tick.
    /// </summary>
    /// <returns>The index of the tick that starts now, counted since construction or <see cref="ResetStats"/>.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public long WaitForNextTick(CancellationToken cancel = default)
    {
        var now = Stopwatch.GetTimestamp();
        long deadline;
        var restart = false; // a new schedule: anchored where this tick really starts, not where it was asked to
        lock (_gate)
        {
            if (_bodyStart != 0) Record(_bodies, _ticks - 1, Seconds(now - _bodyStart) * 1000);
            if (_nextDeadline == 0 || !Realtime)
            {
                deadline = now;
                restart = true;
            }
            else if (now > _nextDeadline + PeriodTicks)
            {
                // The body ran past the following deadline too: count it and restart the schedule rather than burst.
                _overruns++;
                deadline = now;
                restart = true;
            }
            else
            {
                if (now > _nextDeadline) _overruns++;
                deadline = _nextDeadline;
            }
        }

        if (Realtime) SleepUntil(deadline, cancel);
        cancel.ThrowIfCancellationRequested();

        var start = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_lastTickStart != 0) AddPeriod(Seconds(start - _lastTickStart) * 1000);
            _lastTickStart = start;
            _bodyStart = start;
            // A tick late by under half a period keeps the absolute schedule (the next one catches up); later, or
            // at a (re)start, the schedule moves to this tick's real start, so a preempted first tick cannot make the
            // second one early.
            _nextDeadline = (restart ? start : Math.Max(deadline, start - PeriodTicks / 2)) + PeriodTicks;
            return _ticks++;
        }
    }

    /// <summary>Runs <paramref name="tick"/> at the loop's rate until it returns false or the token is cancelled.</summary>
    /// <param name="tick">Called with the tick's number within this run (0, 1, …); returns false to stop.</param>
    /// <param name="cancel">Stops the loop between ticks (throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>Ticks run.</returns>
    public long Run(Func<long, bool> tick, CancellationToken cancel = default)
    {
        long ran = 0;
        while (true)
        {
            WaitForNextTick(cancel);
            if (!tick(ran++)) break;
        }
        EndTick();
        return ran;
    }

    /// <summary>Measures the current tick's body without starting another (call when leaving a loop driven by <see cref="WaitForNextTick"/>).</summary>
    public void EndTick()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_bodyStart != 0) Record(_bodies, _ticks - 1, Seconds(now - _bodyStart) * 1000);
            _bodyStart = 0;
        }
    }

    /// <summary>A snapshot of the measured timing.</summary>
    public LoopStats Stats
    {
        get
        {
            lock (_gate)
            {
                var targetMs = 1000.0 / Hz;
                if (_ticks == 0) return LoopStats.Empty(targetMs);
                var periods = Recent(_periods, _periodCount);
                var bodies = Recent(_bodies, _ticks);
                var jitter = _periodCount > 1 ? Math.Sqrt(_periodM2 / (_periodCount - 1)) : 0;
                return new LoopStats(targetMs, _ticks, _overruns,
                    _periodCount > 0 ? _periodSum / _periodCount : 0,
                    Percentile(periods, 50), Percentile(periods, 99), _periodMax, jitter,
                    Percentile(bodies, 50), Percentile(bodies, 99));
            }
        }
    }

    /// <summary>The p-th percentile (0–100) of samples, linearly interpolated; 0 for none.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0) return 0;
        var sorted = samples.Order().ToArray();
        var rank = Math.Clamp(p, 0, 100) / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private void AddPeriod(double ms)
    {
        Record(_periods, _periodCount, ms);
        _periodCount++;
        _periodSum += ms;
        // Welford's running variance: exact over hours of ticks without storing them.
        var delta = ms - _periodMean;
        _periodMean += delta / _periodCount;
        _periodM2 += delta * (ms - _periodMean);
        if (ms > _periodMax) _periodMax = ms;
    }

    private static void Record(double[] ring, long index, double value)
    {
        if (index >= 0) ring[index % Window] = value;
    }

    private static double[] Recent(double[] ring, long count) =>
        count >= Window ? (double[])ring.Clone() : ring[..(int)count];

    private static double Seconds(long stopwatchTicks) => stopwatchTicks / (double)Stopwatch.Frequency;

    private static void SleepUntil(long deadline, CancellationToken cancel)
    {
        while (true)
        {
            var remaining = Seconds(deadline - Stopwatch.GetTimestamp());
            if (remaining <= 0) return;
            if (remaining > SpinSeconds)
            {
                var ms = (int)((remaining - SpinSeconds) * 1000);
                if (ms > 0)
                {
                    if (cancel.CanBeCanceled) cancel.WaitHandle.WaitOne(ms);
                    else Thread.Sleep(ms);
                    if (cancel.IsCancellationRequested) return;
                    continue;
                }
            }
            Thread.Yield();
        }
    }
}
