using System.Security.Cryptography;
using RobotHost.Cli;
using RobotHost.DatasetCheck;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Training;
using static RobotHost.Tests.DatasetCheck.SyntheticPickDataset;

namespace RobotHost.Tests.DatasetCheck;

/// <summary>Runs alone: the fuzz cases redirect the process's stderr to read the one error line the CLI prints.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

/// <summary>
/// Corrupt-file fuzzing: a small valid LeRobot v3.0 dataset (info.json, stats.json, episodes, tasks and data parquet,
/// one mp4 per episode), then 196 seeded damaged copies — one file truncated, zeroed, deleted or with bytes flipped —
/// each read by what <c>robothost dataset info</c> and <c>robothost dataset check</c> run (with <c>--video</c> when an
/// mp4 was damaged), under the CLI's error policy (<see cref="CliApp.Report"/>). Each case either reads cleanly
/// (harmless damage; a deleted optional stats.json or tasks.parquet), or ends in one line naming the damaged file with
/// exit 1 — or, for an mp4, in video_frames findings naming it. Never an unexpected error (exit 3), a stack trace or a
/// second line; the original is never modified. The same for a trained checkpoint's config.json, model.safetensors and
/// normalization.json, loaded as eval and rollout load them: there, every damaged model.safetensors (flipped or zeroed
/// bytes included) must be an error, since the file carries its own SHA-256.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public sealed class CorruptDatasetFuzzTests
{
    private static readonly string[] Damages = ["truncate", "zero", "delete", "flip"];

    /// <summary>
    /// What `dataset info` and `dataset check` (with <paramref name="video"/>: `--video`) do, in process, on one reader:
    /// the exit code the CLI's error policy gives (0 when both run), what it printed on stderr, and the messages of the
    /// video_frames check when it failed (where damage to an mp4 shows, and what `--ci --video` exits 2 on).
    /// </summary>
    private static (int Exit, string Stderr, List<string> VideoFindings) InfoAndCheck(string root, bool video)
    {
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        try
        {
            using var reader = Format.Open(root);
            _ = DatasetCommand.InfoJson(reader).ToJsonString();
            var report = DatasetChecker.Check(reader, new DatasetCheckOptions { CheckVideo = video });
            _ = ReportText.ToText(report);
            var videoFrames = report["video_frames"];
            return (0, stderr.ToString(), videoFrames.Status == CheckStatus.Fail ? videoFrames.Findings.Select(f => f.Message).ToList() : []);
        }
        catch (Exception e)
        {
            return (CliApp.Report(e, null), stderr.ToString(), []);
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void Damage(string path, string how, Random random)
    {
        var bytes = File.ReadAllBytes(path);
        switch (how)
        {
            case "delete":
                File.Delete(path);
                return;
            case "truncate":
                bytes = bytes[..random.Next(0, Math.Max(1, bytes.Length - 1))];
                break;
            case "zero":
            {
                var from = random.Next(bytes.Length);
                var length = Math.Min(bytes.Length - from, 1 + random.Next(Math.Max(1, bytes.Length / 4)));
                Array.Clear(bytes, from, length);
                break;
            }
            default:
                for (var i = 0; i < 1 + random.Next(16); i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
                break;
        }
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Every_damaged_copy_ends_in_one_line_naming_the_file_or_reads_cleanly_and_the_original_stays_intact()
    {
        var original = Write(CleanEpisodes(2).Select(e =>
        {
            (e.Action, e.State, e.Success) = (e.Action[..40], e.State[..40], e.Success[..40]);
            return e;
        }).ToList(), "fuzz-original", cameraSize: 16);
        var clean = InfoAndCheck(original, video: true);
        Assert.Equal((0, ""), (clean.Exit, clean.Stderr));
        Assert.Empty(clean.VideoFindings);
        var before = Hashes(original);
        var files = before.Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => f.EndsWith("info.json", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("stats.json", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("data", StringComparison.Ordinal) && f.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith(Path.Combine("meta", "episodes"), StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("tasks.parquet", StringComparison.Ordinal));
        Assert.Equal(2, files.Count(f => f.EndsWith(".mp4", StringComparison.Ordinal)));

        var scratch = RepoPaths.NewTempDirectory("fuzz-copies");
        var failures = new List<string>();
        var errors = 0;
        var cases = 0;
        for (var seed = 0; seed < 196; seed++)
        {
            var random = new Random(seed);
            var file = files[seed % files.Count];
            var how = Damages[seed / files.Count % Damages.Length];
            var copy = Path.Combine(scratch, $"case-{seed:D3}");
            CopyTree(original, copy);
            Damage(Path.Combine(copy, file), how, random);
            var isVideo = file.EndsWith(".mp4", StringComparison.Ordinal);
            var (exit, stderr, videoFindings) = InfoAndCheck(copy, video: isVideo);
            cases++;
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var what = $"case {seed}: {how} {file} → exit {exit}: {stderr.Trim()}";
            if (exit == 0 && videoFindings.Count > 0)
            {
                // Damage found by the video check: every finding names the file.
                errors++;
                if (!videoFindings.All(m => m.Contains(Path.GetFileName(file), StringComparison.Ordinal))) failures.Add(what + " (finding does not name the file: " + string.Join(" | ", videoFindings) + ")");
                if (stderr.Length > 0) failures.Add(what + " (printed on stderr)");
            }
            else if (exit == 0)
            {
                // Read cleanly: allowed for harmless damage (a flipped byte in unread padding) and for optional files.
                var optional = file.EndsWith("stats.json", StringComparison.Ordinal) || file.EndsWith("tasks.parquet", StringComparison.Ordinal);
                if (how == "delete" && !optional) failures.Add(what + " (a deleted file went unnoticed)");
                if (stderr.Length > 0) failures.Add(what + " (printed on success)");
            }
            else
            {
                errors++;
                if (exit != CliApp.UserError) failures.Add(what);
                else if (lines.Length != 1 || !lines[0].StartsWith("error: ", StringComparison.Ordinal) || stderr.Contains("   at ", StringComparison.Ordinal)) failures.Add(what + " (not one line)");
                else if (!lines[0].Contains(Path.GetFileName(file), StringComparison.Ordinal) && !(how == "delete" && file.StartsWith(Path.Combine("meta", "episodes"), StringComparison.Ordinal) && lines[0].Contains(Path.Combine("meta", "episodes"), StringComparison.Ordinal)))
                    failures.Add(what + " (does not name the file)");
            }
            Directory.Delete(copy, recursive: true);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases:\n" + string.Join("\n", failures.Take(40)));
        Assert.True(errors > cases / 3, $"only {errors} of {cases} damaged copies were reported");
        Assert.Equal(before, Hashes(original));
    }

    [Fact]
    public void Every_damaged_checkpoint_copy_fails_in_one_line_naming_the_file_or_loads_and_the_original_stays_intact()
    {
        var home = RepoPaths.NewTempDirectory("fuzz-checkpoint");
        var data = Path.Combine(home, "pick");
        var record = HostProcess.Run(home, ["record", "--env", "pick_place", "--env-option", "cameras=front", "--env-option", "image_width=32", "--env-option", "image_height=32",
            "--root", data, "--episodes", "2", "--episode-time", "2", "--task", "pick the cube"]);
        Assert.True(record.ExitCode == 0, record.Stderr);
        var train = HostProcess.Run(home, ["train", "--dataset", data, "--policy", "mlp", "--preset", "small", "--steps", "5", "--batch-size", "8", "--out", Path.Combine(home, "run")],
            TimeSpan.FromMinutes(5));
        Assert.True(train.ExitCode == 0, train.Stderr);
        var original = Path.Combine(home, "run", "checkpoints", "000005");
        string[] files = ["config.json", "model.safetensors", "normalization.json"];
        var before = Hashes(original);
        Assert.All(files, f => Assert.Contains(f, before.Keys));

        (int Exit, string Stderr) Load(string checkpoint)
        {
            var stderr = new StringWriter();
            var previous = Console.Error;
            Console.SetError(stderr);
            try
            {
                using var policy = PolicyLoader.Load(Session, checkpoint);
                return (0, stderr.ToString());
            }
            catch (Exception e)
            {
                return (CliApp.Report(e, null), stderr.ToString());
            }
            finally
            {
                Console.SetError(previous);
            }
        }
        Assert.Equal((0, ""), Load(original));

        var failures = new List<string>();
        var errors = 0;
        const int cases = 48;
        for (var seed = 0; seed < cases; seed++)
        {
            var file = files[seed % files.Length];
            var how = Damages[seed / files.Length % Damages.Length];
            var copy = Path.Combine(home, $"case-{seed:D2}");
            CopyTree(original, copy);
            Damage(Path.Combine(copy, file), how, new Random(seed));
            var (exit, stderr) = Load(copy);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var what = $"case {seed}: {how} {file} → exit {exit}: {stderr.Trim()}";
            if (exit == 0)
            {
                // A deleted file must not load; nor may changed bytes in the weights (their SHA-256 is recorded in the file).
                if (how == "delete") failures.Add(what + " (a deleted file went unnoticed)");
                if (file == "model.safetensors") failures.Add(what + " (damaged weights loaded as other weights)");
                if (stderr.Length > 0) failures.Add(what + " (printed on success)");
            }
            else
            {
                errors++;
                if (exit != CliApp.UserError) failures.Add(what);
                else if (lines.Length != 1 || !lines[0].StartsWith("error: ", StringComparison.Ordinal) || stderr.Contains("   at ", StringComparison.Ordinal)) failures.Add(what + " (not one line)");
                // A checkpoint without config.json is no checkpoint: the message names the folder and what it lacks. A
                // config.json still valid but describing another model (a flipped digit in a width) shows as weights
                // that do not fit it: the message names model.safetensors and both shapes.
                else if (!lines[0].Contains(file, StringComparison.Ordinal)
                         && !(file == "config.json" && how == "delete" && lines[0].Contains("no config.json", StringComparison.Ordinal))
                         && !(file == "config.json" && lines[0].Contains("model.safetensors does not fit this model", StringComparison.Ordinal)))
                    failures.Add(what + " (does not name the file)");
            }
            Directory.Delete(copy, recursive: true);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases:\n" + string.Join("\n", failures.Take(40)));
        Assert.True(errors > cases / 2, $"only {errors} of {cases} damaged checkpoints were reported");
        Assert.Equal(before, Hashes(original));
    }
}
