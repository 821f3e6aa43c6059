using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Atomic episode commits: every new file version is written under <c>.partial/</c>, then a journal listing the
/// renames is itself renamed into place (the commit point), then the renames run. A process killed before the
/// journal lands leaves the old dataset untouched; killed after, the next writer rolls the renames forward.
/// An entry can also be a tail patch (an append to a parquet file without copying it): the staged bytes replace the
/// file's end from a recorded offset on (truncate there, then write) — the same result however often it runs, so
/// rolling forward twice is harmless, and the file is untouched until the commit point.
/// </summary>
internal static class CommitJournal
{
    public const string FileName = "commit.json";

    public static string PartialDirectory(string root) => Path.Combine(root, LeRobotLayout.PartialDirectory);

    /// <summary>One step of a commit: rename <paramref name="Temp"/> to <paramref name="Final"/>, or, with
    /// <paramref name="PatchAt"/>, write <paramref name="Temp"/>'s bytes over <paramref name="Final"/> from that offset on.</summary>
    public sealed record Entry(string Temp, string Final, long? PatchAt = null);

    /// <summary>Commits <paramref name="renames"/> (temp path → dataset-relative final path), in order.</summary>
    public static void Commit(string root, IReadOnlyList<(string Temp, string Final)> renames) =>
        Commit(root, renames.Select(r => new Entry(r.Temp, r.Final)).ToList());

    /// <summary>Commits renames and tail patches, in order.</summary>
    public static void Commit(string root, IReadOnlyList<Entry> entries)
    {
        var dir = PartialDirectory(root);
        Directory.CreateDirectory(dir);
        var journal = Path.Combine(dir, FileName);
        var temp = journal + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, entries.Select(r => r.PatchAt is { } at
                ? new[] { Path.GetRelativePath(root, r.Temp), r.Final, at.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : new[] { Path.GetRelativePath(root, r.Temp), r.Final }).ToArray());
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
            // Already moved (or patched) when a previous recovery got this far.
            if (!File.Exists(temp)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (pair.Length == 3)
            {
                Patch(final, temp, long.Parse(pair[2], System.Globalization.CultureInfo.InvariantCulture));
                File.Delete(temp);
            }
            else
            {
                File.Move(temp, final, overwrite: true);
            }
        }
        File.Delete(journal);
    }

    private static void Patch(string final, string tail, long at)
    {
        using var target = new FileStream(final, FileMode.Open, FileAccess.Write);
        if (target.Length < at)
            throw new IOException($"{final} is shorter ({target.Length} bytes) than the commit being rolled forward expects ({at}); the dataset was changed by another program");
        target.SetLength(at);
        target.Position = at;
        using (var source = File.OpenRead(tail)) source.CopyTo(target);
        target.Flush(flushToDisk: true);
    }
}
