using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Atomic episode commits: every new file version is written under <c>.partial/</c>, then a journal listing the
/// renames is itself renamed into place (the commit point), then the renames run. A process killed before the
/// journal lands leaves the old dataset untouched; killed after, the next writer rolls the renames forward.
/// </summary>
internal static class CommitJournal
{
    public const string FileName = "commit.json";

    public static string PartialDirectory(string root) => Path.Combine(root, LeRobotLayout.PartialDirectory);

    /// <summary>Commits <paramref name="renames"/> (temp path → dataset-relative final path), in order.</summary>
    public static void Commit(string root, IReadOnlyList<(string Temp, string Final)> renames)
    {
        var dir = PartialDirectory(root);
        Directory.CreateDirectory(dir);
        var journal = Path.Combine(dir, FileName);
        var temp = journal + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, renames.Select(r => new[] { Path.GetRelativePath(root, r.Temp), r.Final }).ToArray());
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, journal, overwrite: true);
        Apply(root, journal);
    }

    /// <summary>Rolls a pending commit forward and discards anything else left under .partial/ (a killed episode).</summary>
    public static void Recover(string root, ILogger logger)
    {
        var dir = PartialDirectory(root);
        if (!Directory.Exists(dir)) return;
        var journal = Path.Combine(dir, FileName);
        if (File.Exists(journal))
        {
            logger.LogWarning("Dataset {Root}: finishing an episode commit interrupted by a crash", root);
            Apply(root, journal);
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            if (Path.GetFileName(entry) == WriterLock.FileName) continue;
            logger.LogWarning("Dataset {Root}: discarding {Entry} left by an episode that was never saved (process killed mid-episode)", root, Path.GetRelativePath(root, entry));
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry);
        }
    }

    private static void Apply(string root, string journal)
    {
        var renames = JsonSerializer.Deserialize<string[][]>(File.ReadAllText(journal)) ?? [];
        foreach (var pair in renames)
        {
            var temp = Path.Combine(root, pair[0]);
            var final = Path.Combine(root, pair[1]);
            // Already moved when a previous recovery got this far.
            if (!File.Exists(temp)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(temp, final, overwrite: true);
        }
        File.Delete(journal);
    }
}
