using System.Diagnostics;

namespace RobotHost.Tests.Support;

/// <summary>Waits for something a background loop does, then asserts it, with the caller's explanation when it never happened.</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="done"/> until true or <paramref name="timeout"/>; fails with <paramref name="why"/> when it stays false.</summary>
    public static void WaitFor(Func<bool> done, TimeSpan timeout, Func<string> why)
    {
        var sw = Stopwatch.StartNew();
        while (!done() && sw.Elapsed < timeout) Thread.Sleep(20);
        Assert.True(done(), why());
    }
}
