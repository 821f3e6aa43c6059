namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>Timing and retry policy of a <see cref="FeetechBus"/>.</summary>
public sealed record FeetechBusOptions
{
    /// <summary>How long to wait for each reply; a real servo answers within ~0.5 ms at 1 Mbps with Return_Delay_Time 0.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Attempts per transaction before failing (LeRobot retries "Incorrect status packet" reads: num_read_retries 2 → 3 tries).</summary>
    public int Attempts { get; init; } = 3;
}
