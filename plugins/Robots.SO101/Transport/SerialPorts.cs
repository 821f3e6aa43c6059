namespace RobotHost.Plugins.Robots.SO101.Transport;

/// <summary>Where USB serial adapters appear on Linux, for "port not found" messages and <c>find-port</c>.</summary>
public static class SerialPorts
{
    /// <summary>The patterns searched, as shown to users.</summary>
    public const string Patterns = "/dev/ttyACM*, /dev/ttyUSB*, /dev/serial/by-id/*";

    /// <summary>Serial adapter device paths present now, sorted.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var found = new List<string>();
        found.AddRange(Glob("/dev", "ttyACM*"));
        found.AddRange(Glob("/dev", "ttyUSB*"));
        found.AddRange(Glob("/dev/serial/by-id", "*"));
        return found.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A sentence listing the candidates (or saying there are none).</summary>
    public static string DescribeCandidates()
    {
        var candidates = Candidates();
        return candidates.Count == 0
            ? $"no serial adapter is plugged in (looked for {Patterns}); plug the arm's USB cable and power it, then run `robothost find-port`"
            : $"serial ports present: {string.Join(", ", candidates)} (run `robothost find-port` to tell which is the arm)";
    }

    private static IEnumerable<string> Glob(string directory, string pattern)
    {
        try { return Directory.Exists(directory) ? Directory.GetFileSystemEntries(directory, pattern) : []; }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
