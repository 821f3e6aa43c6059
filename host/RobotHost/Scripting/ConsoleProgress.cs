using System.Diagnostics;

namespace RobotHost.Scripting;

/// <summary>
/// Progress of a long step on stderr: one rewritten line on a terminal, a line every ~10% when redirected
/// (so logs of CI runs stay short). Stdout stays for the script's results.
/// </summary>
internal sealed class ConsoleProgress(string label, long total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private long _lastDecile = -1;

    public void Report(long done, string detail)
    {
        var line = $"{label}: {done}/{total} {detail} ({_clock.Elapsed.TotalSeconds:F0} s)";
        if (_interactive)
        {
            Console.Error.Write("\r" + line.PadRight(Math.Min(Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 100, 120)));
            return;
        }
        var decile = total <= 0 ? 0 : done * 10 / total;
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        Console.Error.WriteLine(line);
    }

    public void Done(string summary)
    {
        if (_interactive) Console.Error.Write("\r");
        Console.Error.WriteLine($"{label}: {summary}".PadRight(_interactive ? 100 : 0));
    }
}
