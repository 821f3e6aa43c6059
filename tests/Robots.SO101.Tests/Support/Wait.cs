using System.Diagnostics;

namespace Robots.SO101.Tests.Support;

/// <summary>Polls a condition with a generous timeout, so tests never hang and never depend on machine speed.</summary>
internal static class Wait
{
    public static bool Until(Func<bool> condition, double seconds = 10)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            if (condition()) return true;
            Thread.Sleep(5);
        }
        return condition();
    }

    /// <summary>Runs <paramref name="action"/> on a worker and fails the test if it takes longer than <paramref name="seconds"/> (a hang).</summary>
    public static T Bounded<T>(Func<T> action, double seconds = 20)
    {
        var task = Task.Run(action);
        if (Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(seconds))).Result != task)
            throw new TimeoutException($"operation did not finish within {seconds} s (hang)");
        return task.GetAwaiter().GetResult();
    }

    public static void Bounded(Action action, double seconds = 20) => Bounded(() => { action(); return 0; }, seconds);
}
