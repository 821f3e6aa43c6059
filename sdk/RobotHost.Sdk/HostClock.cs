using System.Diagnostics;

namespace RobotHost.Sdk;

/// <summary>The monotonic clock every component timestamps with, in seconds.</summary>
public static class HostClock
{
    /// <summary>Seconds on a monotonic clock (not wall time).</summary>
    public static double Now => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}
