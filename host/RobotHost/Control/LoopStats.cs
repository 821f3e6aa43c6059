namespace RobotHost.Control;

/// <summary>
/// Measured timing of a fixed-rate loop (ros2_control's controller manager reports the same figures):
/// the period between tick starts, its jitter, the time spent in the tick body, and overruns.
/// All times in milliseconds. Percentiles cover the most recent ticks (a window); counts, mean and jitter cover all ticks.
/// </summary>
/// <param name="TargetPeriodMs">The period asked for (1000 / Hz).</param>
/// <param name="Ticks">Ticks run.</param>
/// <param name="Overruns">Ticks whose body ran past the next deadline (real-time loops only; the schedule then restarts from now).</param>
/// <param name="PeriodMeanMs">Mean measured period.</param>
/// <param name="PeriodP50Ms">Median measured period (recent window).</param>
/// <param name="PeriodP99Ms">99th percentile of the measured period (recent window).</param>
/// <param name="PeriodMaxMs">Longest measured period.</param>
/// <param name="JitterMs">Standard deviation of the measured period.</param>
/// <param name="BodyP50Ms">Median time spent in the tick body (recent window).</param>
/// <param name="BodyP99Ms">99th percentile of the time spent in the tick body (recent window).</param>
public sealed record LoopStats(
    double TargetPeriodMs,
    long Ticks,
    long Overruns,
    double PeriodMeanMs,
    double PeriodP50Ms,
    double PeriodP99Ms,
    double PeriodMaxMs,
    double JitterMs,
    double BodyP50Ms,
    double BodyP99Ms)
{
    /// <summary>Stats of a loop that has not ticked.</summary>
    public static LoopStats Empty(double targetPeriodMs) => new(targetPeriodMs, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The measured rate from the mean period, in Hz (0 before two ticks).</summary>
    public double MeasuredHz => PeriodMeanMs > 0 ? 1000.0 / PeriodMeanMs : 0;

    /// <summary>One line for logs and progress displays.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{MeasuredHz:F1} Hz (target {1000.0 / TargetPeriodMs:F1}), period p50 {PeriodP50Ms:F2} p99 {PeriodP99Ms:F2} max {PeriodMaxMs:F2} ms, jitter {JitterMs:F2} ms, body p50 {BodyP50Ms:F2} p99 {BodyP99Ms:F2} ms, overruns {Overruns}/{Ticks}");
}
