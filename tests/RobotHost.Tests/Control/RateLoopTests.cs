using System.Diagnostics;
using RobotHost.Control;

namespace RobotHost.Tests.Control;

/// <summary>The fixed-rate loop's schedule and its own measurements. Only lower bounds on time: they hold on any machine.</summary>
public sealed class RateLoopTests
{
    [Fact]
    public void A_realtime_loop_never_runs_faster_than_its_rate()
    {
        var loop = new RateLoop(100);
        var sw = Stopwatch.StartNew();
        var ticks = loop.Run(i => i < 19);
        // 20 ticks on absolute deadlines: the 20th starts no earlier than 19 periods after the first.
        Assert.Equal(20, ticks);
        Assert.True(sw.Elapsed.TotalMilliseconds >= 19 * 10 - 1, $"20 ticks at 100 Hz took {sw.Elapsed.TotalMilliseconds:F1} ms");
        var stats = loop.Stats;
        Assert.Equal(20, stats.Ticks);
        Assert.Equal(10, stats.TargetPeriodMs, 6);
        Assert.True(stats.PeriodMeanMs >= 9.9, stats.ToString());
        Assert.True(stats.PeriodP50Ms > 0 && stats.PeriodP99Ms >= stats.PeriodP50Ms && stats.PeriodMaxMs >= stats.PeriodP99Ms, stats.ToString());
    }

    [Fact]
    public void A_body_longer_than_the_period_counts_overruns_and_does_not_burst()
    {
        var loop = new RateLoop(200); // 5 ms period
        var starts = new List<double>();
        var sw = Stopwatch.StartNew();
        loop.Run(i =>
        {
            starts.Add(sw.Elapsed.TotalMilliseconds);
            Thread.Sleep(12); // always past the next deadline
            return i < 9;
        });
        var stats = loop.Stats;
        // Every tick after the first started late.
        Assert.True(stats.Overruns >= 9, stats.ToString());
        Assert.True(stats.BodyP50Ms >= 12, stats.ToString());
        // No catch-up burst: each tick starts at least one body length after the previous one.
        for (var i = 1; i < starts.Count; i++) Assert.True(starts[i] - starts[i - 1] >= 12, $"tick {i} started {starts[i] - starts[i - 1]:F2} ms after the previous");
    }

    [Fact]
    public void Without_realtime_the_loop_never_sleeps_but_still_measures()
    {
        var loop = new RateLoop(1, realtime: false); // 1 Hz: a sleeping loop would take minutes
        var sw = Stopwatch.StartNew();
        var ticks = loop.Run(i => i < 999);
        Assert.Equal(1000, ticks);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal(1000, loop.Stats.Ticks);
        Assert.Equal(0, loop.Stats.Overruns);
    }

    [Fact]
    public void Runs_count_their_own_ticks_and_cancellation_stops_the_wait()
    {
        var loop = new RateLoop(50);
        loop.Run(i => i < 4);
        Thread.Sleep(200);
        loop.Restart();
        Assert.Equal(5, loop.Run(i => i < 4)); // Run counts its own ticks from 0
        Assert.Equal(10, loop.Stats.Ticks);

        using var cancel = new CancellationTokenSource();
        var slow = new RateLoop(0.1); // 10 s period
        slow.WaitForNextTick(cancel.Token);
        cancel.CancelAfter(50);
        Assert.ThrowsAny<OperationCanceledException>(() => slow.WaitForNextTick(cancel.Token));

        loop.ResetStats();
        Assert.Equal(0, loop.Stats.Ticks);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    public void A_rate_that_is_not_positive_is_refused(double hz) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLoop(hz));

    [Fact]
    public void Percentile_interpolates()
    {
        Assert.Equal(0, RateLoop.Percentile([], 50));
        Assert.Equal(2.5, RateLoop.Percentile([4, 1, 3, 2], 50), 9);
        Assert.Equal(4, RateLoop.Percentile([4, 1, 3, 2], 100), 9);
    }
}
