using RobotHost.Sdk;

namespace RobotHost.DatasetCheck;

/// <summary>Recording hygiene: what the field's dataset doctors check, and more.</summary>
public static partial class DatasetChecker
{
    private static CheckResult Timing(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        var period = 1.0 / c.Fps;
        double total = 0;
        long intervals = 0;
        foreach (var e in c.Episodes)
        {
            var gaps = new List<int[]>();
            for (var i = 1; i < e.Length; i++)
            {
                var dt = e.Timestamps[i] - e.Timestamps[i - 1];
                total += dt;
                intervals++;
                if (dt > c.Options.GapFactor * period || dt <= 0) gaps.Add([i - 1, i]);
            }
            if (gaps.Count > 0)
                findings.Add(new CheckFinding($"episode {e.Episode} has {gaps.Count} timing gap(s) over {c.Options.GapFactor}× the frame period (first at frame {gaps[0][1]})",
                    [e.Episode], gaps.Take(20).ToList(), $"re-record episode {e.Episode}; frames were dropped (a camera or the loop could not keep {c.Fps} fps)"));
        }
        var meanRate = intervals == 0 ? c.Fps : intervals / Math.Max(total, 1e-9);
        if (Math.Abs(meanRate - c.Fps) > 0.1 * c.Fps)
            findings.Add(new CheckFinding($"mean frame rate {meanRate:F1} fps is more than 10% off the declared {c.Fps} fps", [], [],
                "fix the declared fps in meta/info.json or re-record at a rate the rig can hold"));
        return Result("timing", "Frame timing", findings, CheckStatus.Warn, $"no gaps; mean rate {meanRate:F1} fps");
    }

    private static CheckResult VideoFrames(CheckContext c)
    {
        const string id = "video_frames", title = "Video frames match the data";
        var cameras = c.Reader.Schema.VisualFeatures.ToList();
        if (cameras.Count == 0) return new CheckResult(id, title, CheckStatus.Skip, "skipped: the dataset has no cameras", []);
        if (!c.Options.CheckVideo) return new CheckResult(id, title, CheckStatus.Skip, $"skipped ({cameras.Count} camera(s)); run with --video to decode", []);
        var findings = new List<CheckFinding>();
        foreach (var e in c.Episodes)
        {
            foreach (var frameIndex in new[] { 0, e.Length - 1 })
            {
                try
                {
                    var frame = c.Reader.GetFrame(e.FromIndex + frameIndex, withImages: true);
                    foreach (var camera in cameras)
                    {
                        if (!frame.Images.TryGetValue(camera.Key, out var image))
                            findings.Add(new CheckFinding($"episode {e.Episode} frame {frameIndex}: no image for {camera.Key}", [e.Episode], [[frameIndex, frameIndex]], "re-encode the episode's video"));
                        else if (image.Height != camera.Shape[0] || image.Width != camera.Shape[1])
                            findings.Add(new CheckFinding($"episode {e.Episode}: {camera.Key} decodes {image.Width}×{image.Height}, info.json says {camera.Shape[1]}×{camera.Shape[0]}",
                                [e.Episode], [[frameIndex, frameIndex]], "fix the feature shape in meta/info.json or re-encode the video"));
                    }
                }
                catch (RobotHostException ex)
                {
                    findings.Add(new CheckFinding($"episode {e.Episode} frame {frameIndex}: {ex.Message}", [e.Episode], [[frameIndex, frameIndex]], "re-record or re-encode this episode's video"));
                }
            }
        }
        return Result(id, title, findings, CheckStatus.Fail, $"first and last frame of every episode decode for {cameras.Count} camera(s)");
    }

    private static CheckResult ClippedValues(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        void Scan(string feature, IReadOnlyList<string> names, Func<EpisodeSeries, float[][]> values, bool skipGripper)
        {
            for (var j = 0; j < names.Count; j++)
            {
                // Gripper commands saturate by design (fully closed on the object).
                if (skipGripper && names[j].Contains("gripper", StringComparison.OrdinalIgnoreCase)) continue;
                var all = c.Episodes.SelectMany(e => values(e).Select(v => v[j])).ToArray();
                if (all.Length == 0) continue;
                float lo = all.Min(), hi = all.Max();
                var range = hi - lo;
                if (range < 1e-6) continue;
                var eps = 1e-3f * range;
                var atMin = all.Count(v => v - lo <= eps) / (double)all.Length;
                var atMax = all.Count(v => hi - v <= eps) / (double)all.Length;
                if (Math.Max(atMin, atMax) > 0.5)
                {
                    var limit = atMin > atMax ? lo : hi;
                    bool Pinned(float[] v) => Math.Abs(v[j] - limit) <= eps;
                    // The episodes where the joint is pinned in most frames, with the span it is pinned over.
                    var pinned = c.Episodes.Where(e => values(e).Count(Pinned) > 0.5 * e.Length).ToList();
                    if (pinned.Count == 0) pinned = c.Episodes.Where(e => values(e).Any(Pinned)).ToList();
                    findings.Add(new CheckFinding($"{feature} {names[j]} sits at its {(atMin > atMax ? "minimum" : "maximum")} ({limit:F1}) in {Math.Max(atMin, atMax):P0} of frames (pinned in episode(s) {EpisodeList(pinned.Select(e => e.Episode))})",
                        pinned.Select(e => e.Episode).ToList(), pinned.Select(e => HitSpan(values(e), Pinned)).ToList(),
                        $"check the calibration and limits of {names[j]}: a joint pinned at a limit is clipped"));
                }
            }
        }
        Scan(FeatureKeys.State, c.StateNames, e => e.State, skipGripper: false);
        Scan(FeatureKeys.Action, c.ActionNames, e => e.Action, skipGripper: true);
        return Result("clipped_values", "Clipped values", findings, CheckStatus.Warn, "no joint sits at a limit in more than half of the frames");
    }

    private static CheckResult FrozenActions(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        var minRun = (int)Math.Ceiling(c.Fps * Math.Max(1.0, c.Options.IdleSeconds));
        foreach (var e in c.Episodes)
        {
            var (idleStart, idleEnd) = IdleRuns(e, c.Options.StillTolerance);
            var runStart = idleStart;
            for (var i = idleStart + 1; i <= e.Length - idleEnd; i++)
            {
                var same = i < e.Length - idleEnd && e.Action[i].AsSpan().SequenceEqual(e.Action[i - 1]);
                if (same) continue;
                if (i - runStart >= minRun)
                    findings.Add(new CheckFinding($"episode {e.Episode}: the action is frozen (exactly repeated) for {(i - runStart) / (double)c.Fps:F1} s, frames {runStart}–{i - 1}",
                        [e.Episode], [[runStart, i - 1]], "a frozen teleoperator or a stalled bus read; re-record the episode"));
                runStart = i;
            }
        }
        return Result("frozen_actions", "Frozen actions", findings, CheckStatus.Warn, "no frozen action runs mid-episode");
    }

    private static CheckResult ActionJumps(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        var dims = c.ActionNames.Count;
        var deltas = Enumerable.Range(0, dims).Select(j => c.Episodes.SelectMany(e => Enumerable.Range(1, Math.Max(0, e.Length - 1)).Select(i => (double)Math.Abs(e.Action[i][j] - e.Action[i - 1][j]))).ToList()).ToList();
        var limit = deltas.Select(d => d.Count == 0 ? double.MaxValue : Math.Max(10 * Std(d), 5.0)).ToArray();
        foreach (var e in c.Episodes)
        {
            var jumps = new List<int[]>();
            var worst = "";
            for (var i = 1; i < e.Length; i++)
            {
                for (var j = 0; j < dims; j++)
                {
                    var step = Math.Abs(e.Action[i][j] - e.Action[i - 1][j]);
                    if (step > limit[j]) { jumps.Add([i - 1, i]); worst = $"{c.ActionNames[j]} jumps {step:F1}"; break; }
                }
            }
            if (jumps.Count > 0)
                findings.Add(new CheckFinding($"episode {e.Episode}: {jumps.Count} action jump(s) far beyond the dataset's own spread ({worst} at frame {jumps[0][1]})",
                    [e.Episode], jumps.Take(20).ToList(), "check the teleoperator connection; trim or re-record the affected span"));
        }
        return Result("action_jumps", "Action jumps", findings, CheckStatus.Warn, "no frame-to-frame action jump beyond 10× the typical step");
    }

    private static CheckResult Outliers(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        void Scan(string feature, IReadOnlyList<string> names, Func<EpisodeSeries, float[][]> values)
        {
            for (var j = 0; j < names.Count; j++)
            {
                var all = c.Episodes.SelectMany(e => values(e).Select(v => (double)v[j])).ToList();
                if (all.Count < 2) continue;
                var mean = all.Average();
                var std = Std(all);
                if (std < 1e-9) continue;
                bool Beyond(float[] v) => Math.Abs(v[j] - mean) > 10 * std;
                var hits = c.Episodes.Where(e => values(e).Any(Beyond)).ToList();
                if (hits.Count > 0)
                    findings.Add(new CheckFinding($"{feature} {names[j]} has values beyond 10 std of its mean in episode(s) {EpisodeList(hits.Select(e => e.Episode))} ({SpanList(hits, values, Beyond)})",
                        hits.Select(e => e.Episode).ToList(), hits.Select(e => HitSpan(values(e), Beyond)).ToList(),
                        "look for a sensor glitch or a unit error; drop or re-record those episodes"));
            }
        }
        Scan(FeatureKeys.State, c.StateNames, e => e.State);
        Scan(FeatureKeys.Action, c.ActionNames, e => e.Action);
        return Result("outliers", "Outliers", findings, CheckStatus.Warn, "no value beyond 10 std of its mean");
    }

    private static CheckResult EpisodeLengths(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        var lengths = c.Episodes.Select(e => (double)e.Length).ToList();
        var median = TrajectoryDistance.Median(lengths);
        var mad = TrajectoryDistance.Mad(lengths);
        foreach (var e in c.Episodes)
        {
            if (e.Length < c.Options.ChunkSize)
                findings.Add(new CheckFinding($"episode {e.Episode} has {e.Length} frames, fewer than one {c.Options.ChunkSize}-step action chunk", [e.Episode], [],
                    $"drop episode {e.Episode} or record longer episodes"));
            else if (c.Episodes.Count >= 5 && Math.Abs(e.Length - median) > Math.Max(4 * mad, 0.5 * median))
                findings.Add(new CheckFinding($"episode {e.Episode} has {e.Length} frames, far from the typical {median:F0}", [e.Episode], [],
                    $"watch episode {e.Episode}: a much longer or shorter demonstration often hides a mistake"));
        }
        return Result("episode_lengths", "Episode lengths", findings, CheckStatus.Warn, $"lengths {lengths.DefaultIfEmpty(0).Min():F0}–{lengths.DefaultIfEmpty(0).Max():F0} frames, median {median:F0}");
    }

    private static CheckResult JointLimits(CheckContext c)
    {
        const string id = "joint_limits", title = "Joints within the arm's limits";
        // The limits are the ones the robot stated when recording (written with the dataset's features); none, no check.
        var limited = new[] { FeatureKeys.State, FeatureKeys.Action }
            .Select(key => c.Reader.Schema.Features.FirstOrDefault(f => f.Key == key))
            .Where(f => f is { HasLimits: true, Names: not null } && f.Names.Count == f.ElementCount).Select(f => f!).ToList();
        if (limited.Count == 0)
            return new CheckResult(id, title, CheckStatus.Skip, $"skipped: the dataset states no joint limits (robot type '{c.Reader.Schema.RobotType}')", []);
        var findings = new List<CheckFinding>();
        void Scan(FeatureSpec feature, Func<EpisodeSeries, float[][]> values)
        {
            for (var j = 0; j < feature.Names!.Count; j++)
            {
                double lo = feature.Lower![j], hi = feature.Upper![j];
                var name = feature.Names[j];
                bool Outside(float[] v) => !(v[j] >= lo && v[j] <= hi); // NaN is outside too
                var hits = c.Episodes.Where(e => values(e).Any(Outside)).ToList();
                if (hits.Count > 0)
                    findings.Add(new CheckFinding($"{feature.Key} {name} leaves [{lo}, {hi}] in episode(s) {EpisodeList(hits.Select(e => e.Episode))} ({SpanList(hits, values, Outside)})",
                        hits.Select(e => e.Episode).ToList(), hits.Select(e => HitSpan(values(e), Outside)).ToList(),
                        $"recalibrate the arm (robothost calibrate) or check the units of {name}"));
            }
        }
        foreach (var feature in limited)
            Scan(feature, feature.Key == FeatureKeys.State ? e => e.State : e => e.Action);
        return Result(id, title, findings, CheckStatus.Fail, "every value within the limits the robot states");
    }

    private static CheckResult DuplicateEpisodes(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        var byHash = c.Episodes.GroupBy(e => e.Length + ":" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.Action.SelectMany(a => a).ToArray().AsSpan()))));
        foreach (var group in byHash.Where(g => g.Count() > 1))
        {
            var episodes = group.Select(e => e.Episode).ToList();
            findings.Add(new CheckFinding($"episodes {EpisodeList(episodes)} are exact duplicates", episodes, [], $"drop all but episode {episodes[0]}"));
        }
        return Result("duplicate_episodes", "Duplicate episodes", findings, CheckStatus.Warn, "no two episodes are identical");
    }

    private static CheckResult StatsConsistency(CheckContext c)
    {
        if (c.Episodes.Count == 0) return new CheckResult("stats_consistency", "stats.json matches the data", CheckStatus.Skip, "skipped: no episodes", []);
        var findings = new List<CheckFinding>();
        foreach (var (key, values) in new[] { (FeatureKeys.Action, (Func<EpisodeSeries, float[][]>)(e => e.Action)), (FeatureKeys.State, e => e.State) })
        {
            if (!c.Reader.Stats.TryGetValue(key, out var stats)) continue;
            if (key == FeatureKeys.State && !c.Reader.Schema.Features.Any(f => f.Key == key)) continue;
            var dims = values(c.Episodes[0])[0].Length;
            for (var j = 0; j < dims && j < stats.Mean.Length; j++)
            {
                var all = c.Episodes.SelectMany(e => values(e).Select(v => (double)v[j])).ToList();
                var (mean, min, max) = (all.Average(), all.Min(), all.Max());
                var tolerance = 1e-3 * Math.Max(1, max - min);
                if (Math.Abs(mean - stats.Mean[j]) > tolerance || Math.Abs(min - stats.Min[j]) > tolerance || Math.Abs(max - stats.Max[j]) > tolerance)
                    findings.Add(new CheckFinding($"stats.json {key}[{j}] says mean {stats.Mean[j]:F3} min {stats.Min[j]:F3} max {stats.Max[j]:F3}; the data gives {mean:F3} {min:F3} {max:F3}",
                        [], [], "recompute the statistics (robothost dataset convert rewrites them); training normalises with the wrong numbers otherwise"));
            }
        }
        if (c.Reader.Stats.Count == 0)
            findings.Add(new CheckFinding("the dataset has no statistics (meta/stats.json)", [], [], "recompute them; training normalises with them"));
        return Result("stats_consistency", "stats.json matches the data", findings, CheckStatus.Fail, "statistics agree with the data");
    }

    private static CheckResult TaskBalance(CheckContext c)
    {
        var byTask = c.Episodes.GroupBy(e => e.Task).Select(g => (Task: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ToList();
        if (byTask.Count < 2) return new CheckResult("task_balance", "Task balance", CheckStatus.Pass, byTask.Count == 1 ? $"one task: \"{byTask[0].Task}\"" : "no tasks", []);
        var top = byTask[0];
        var share = top.Count / (double)c.Episodes.Count;
        var others = c.Episodes.Where(e => e.Task != top.Task).Select(e => e.Episode).ToList();
        var findings = share > 0.8
            ? new List<CheckFinding> { new($"task \"{top.Task}\" has {share:P0} of the episodes; {byTask.Count - 1} other task(s) share the rest (episode(s) {EpisodeList(others)})", others, [], "record more episodes of the other tasks, or train on one task") }
            : [];
        return Result("task_balance", "Task balance", findings, CheckStatus.Warn, $"{byTask.Count} tasks, the largest with {share:P0}");
    }

    /// <summary>From the first to the last frame where <paramref name="hit"/> holds (inclusive).</summary>
    private static int[] HitSpan(float[][] frames, Func<float[], bool> hit)
    {
        var first = Array.FindIndex(frames, v => hit(v));
        var last = Array.FindLastIndex(frames, v => hit(v));
        return [Math.Max(0, first), Math.Max(0, last)];
    }

    /// <summary>"episode 3 frames 40–44, episode 9 frame 12" for messages (at most six episodes).</summary>
    private static string SpanList(IReadOnlyList<EpisodeSeries> episodes, Func<EpisodeSeries, float[][]> values, Func<float[], bool> hit)
    {
        var parts = episodes.Take(6).Select(e =>
        {
            var span = HitSpan(values(e), hit);
            return span[0] == span[1] ? $"episode {e.Episode} frame {span[0]}" : $"episode {e.Episode} frames {span[0]}–{span[1]}";
        });
        return string.Join(", ", parts) + (episodes.Count > 6 ? ", …" : "");
    }

    private static double Std(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
