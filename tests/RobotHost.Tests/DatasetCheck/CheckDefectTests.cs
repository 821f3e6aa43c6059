using RobotHost.DatasetCheck;
using static RobotHost.Tests.DatasetCheck.SyntheticPickDataset;

namespace RobotHost.Tests.DatasetCheck;

/// <summary>
/// Every one of the 16 checks proven both ways on real LeRobot v3.0 files: a clean synthetic pick-and-place dataset
/// passes all of them, and for each check a copy with exactly that defect makes the check fire, name the episode (and
/// the frames, where the defect is local) and give its fix.
/// </summary>
public sealed class CheckDefectTests
{
    private static readonly Lazy<DatasetReport> CleanReport = new(() => Check(Write(CleanEpisodes(), "clean")));

    private static DatasetReport Check(string root, bool video = false)
    {
        using var reader = Format.Open(root);
        return DatasetChecker.Check(reader, new DatasetCheckOptions { CheckVideo = video });
    }

    /// <summary>Writes the clean episodes with <paramref name="defect"/> applied and returns check <paramref name="id"/>, after asserting it passes on the clean data.</summary>
    private static CheckResult Defect(string id, Action<List<Episode>> defect, Action<string>? onDisk = null)
    {
        Assert.Equal(CheckStatus.Pass, CleanReport.Value[id].Status);
        Assert.Empty(CleanReport.Value[id].Findings);
        var episodes = CleanEpisodes();
        defect(episodes);
        var root = Write(episodes, id);
        onDisk?.Invoke(root);
        var result = Check(root)[id];
        Assert.NotEqual(CheckStatus.Pass, result.Status);
        Assert.NotEmpty(result.Findings);
        Assert.All(result.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
        return result;
    }

    private static CheckFinding Single(CheckResult check) => Assert.Single(check.Findings);

    [Fact]
    public void The_clean_dataset_passes_every_check_and_skips_video_without_cameras()
    {
        var report = CleanReport.Value;
        Assert.Equal(16, report.Checks.Count);
        Assert.All(report.Checks.Where(c => c.Id != "video_frames"), c => Assert.True(c.Status == CheckStatus.Pass, $"{c.Id}: {c.Status} {c.Summary} {string.Join("; ", c.Findings.Select(f => f.Message))}"));
        Assert.Equal(CheckStatus.Skip, report["video_frames"].Status);
        Assert.StartsWith("skipped", report["video_frames"].Summary);
        Assert.Equal(CheckStatus.Pass, report.Status);
        Assert.Contains("6 grasp zone(s)", report["spatial_diversity"].Summary);
        Assert.Contains("SKIP", ReportText.ToText(report));
        Assert.Contains("\"status\": \"skip\"", ReportText.ToJson(report));
    }

    [Fact]
    public void Episode_count_fails_below_twenty_episodes()
    {
        var check = Defect("episode_count", e => e.RemoveRange(12, e.Count - 12));
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Equal("only 12 episodes (fewer than 20)", Single(check).Message);
        Assert.Contains("record at least 38 more episodes", Single(check).Fix);
    }

    [Fact]
    public void Spatial_diversity_warns_when_every_grasp_is_in_one_zone()
    {
        var check = Defect("spatial_diversity", e => { for (var i = 0; i < e.Count; i++) e[i] = Clean(i, zone: 2); });
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.StartsWith("1 grasp zone(s) over 50 grasping episodes", check.Summary);
        var finding = Single(check);
        Assert.Equal(Enumerable.Range(0, 50), finding.Episodes);
        Assert.Contains("5 or more other zones", finding.Fix);
    }

    [Fact]
    public void Idle_frames_name_the_episode_and_the_still_frames_at_its_start()
    {
        var check = Defect("idle_frames", e =>
        {
            var ep = e[7];
            ep.Action = [.. Enumerable.Repeat(ep.Action[0], 60).Select(a => (float[])a.Clone()), .. ep.Action];
            ep.State = [.. Enumerable.Repeat(ep.State[0], 60).Select(s => (float[])s.Clone()), .. ep.State];
            ep.Success = [.. new float[60], .. ep.Success];
        });
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([7], finding.Episodes);
        Assert.Matches(@"^episode 7 has 2\.\d s idle at the start \(frames 0–6\d\)$", finding.Message);
        Assert.Equal(0, finding.Frames[0][0]);
        Assert.InRange(finding.Frames[0][1], 60, 65);
        Assert.StartsWith($"trim frames 0–{finding.Frames[0][1]} of episode 7", finding.Fix);
    }

    [Fact]
    public void Technique_consistency_names_the_one_episode_that_approaches_with_a_tilted_wrist()
    {
        var check = Defect("technique_consistency", e => e[10] = Clean(10, wristDuringApproach: 60));
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([10], finding.Episodes);
        Assert.StartsWith("episode 10 approaches unlike the others", finding.Message);
        Assert.Contains("watch episode 10", finding.Fix);
    }

    [Fact]
    public void Incomplete_episodes_name_the_episode_that_stops_before_the_grasp()
    {
        var check = Defect("incomplete_episodes", e =>
        {
            var ep = e[5];
            var stop = ep.GraspFrame - 5;
            (ep.Action, ep.State, ep.Success) = (ep.Action[..stop], ep.State[..stop], ep.Success[..stop]);
        });
        Assert.Equal(CheckStatus.Warn, check.Status); // 1 of 50: below the 5 % that fails
        var finding = Single(check);
        Assert.Equal([5], finding.Episodes);
        Assert.StartsWith("episode 5 looks incomplete: the gripper never closes; it ends ", finding.Message);
        Assert.EndsWith("the success flag is never set", finding.Message);
        Assert.Equal("drop episode 5 or re-record it to the end of the task", finding.Fix);
    }

    [Fact]
    public void Timing_names_the_episode_and_the_frames_around_a_gap_in_the_parquet_timestamps()
    {
        // 0.1 s missing between frames 39 and 40 of episode 3 (three frames dropped), written into the data parquet.
        var check = Defect("timing", _ => { }, root => Retime(root, (episode, frame, t) => episode == 3 && frame >= 40 ? t + 0.1f : t));
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([3], finding.Episodes);
        Assert.Equal([39, 40], Assert.Single(finding.Frames));
        Assert.Contains("episode 3 has 1 timing gap(s)", finding.Message);
        Assert.StartsWith("re-record episode 3", finding.Fix);
    }

    [Fact]
    public void Video_frames_fail_on_a_truncated_episode_video_pass_when_intact_and_skip_without_video()
    {
        var episodes = CleanEpisodes(6);
        var root = Write(episodes, "video", cameraSize: 32);
        var intact = Check(root, video: true)["video_frames"];
        Assert.Equal(CheckStatus.Pass, intact.Status);
        Assert.Empty(intact.Findings);
        Assert.Equal(CheckStatus.Skip, Check(root, video: false)["video_frames"].Status);

        // One mp4 per episode: cut episode 4's file to a third.
        var videos = Directory.GetFiles(Path.Combine(root, "videos"), "*.mp4", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, videos.Count);
        var bytes = File.ReadAllBytes(videos[4]);
        File.WriteAllBytes(videos[4], bytes[..(bytes.Length / 3)]);

        var check = Check(root, video: true)["video_frames"];
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.NotEmpty(check.Findings);
        Assert.All(check.Findings, f =>
        {
            Assert.Equal([4], f.Episodes);
            var frame = Assert.Single(f.Frames);
            Assert.Contains(frame[0], new[] { 0, episodes[4].Length - 1 });
            Assert.StartsWith($"episode 4 frame {frame[0]}: ", f.Message);
            Assert.Contains("re-encode", f.Fix);
        });
    }

    [Fact]
    public void Clipped_values_name_the_joint_the_episodes_and_the_pinned_frames()
    {
        // A wrong calibration: elbow_flex never reads more than 22°, so it sits at that limit for most of every episode.
        var check = Defect("clipped_values", e => { foreach (var ep in e) foreach (var s in ep.State) s[Elbow] = Math.Min(s[Elbow], 22f); });
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.StartsWith("observation.state elbow_flex.pos sits at its maximum (22.0) in ", finding.Message);
        Assert.Equal(Enumerable.Range(0, 50), finding.Episodes);
        Assert.Equal(50, finding.Frames.Count);
        Assert.All(finding.Frames, f => Assert.True(f[0] < 20 && f[1] > 60, $"pinned span {f[0]}–{f[1]}"));
        Assert.Contains("calibration and limits of elbow_flex.pos", finding.Fix);
    }

    [Fact]
    public void Frozen_actions_name_the_episode_and_the_frozen_frames()
    {
        var check = Defect("frozen_actions", e =>
        {
            for (var i = 20; i < 60; i++) e[9].Action[i] = (float[])e[9].Action[20].Clone();
        });
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([9], finding.Episodes);
        Assert.Equal([20, 59], Assert.Single(finding.Frames));
        Assert.Contains("frozen (exactly repeated) for 1.3 s, frames 20–59", finding.Message);
        Assert.Contains("re-record the episode", finding.Fix);
    }

    [Fact]
    public void Action_jumps_name_the_episode_and_the_frames_of_the_jump()
    {
        var check = Defect("action_jumps", e => e[11].Action[70][Elbow] += 80);
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([11], finding.Episodes);
        Assert.Equal(new[] { new[] { 69, 70 }, new[] { 70, 71 } }, finding.Frames);
        Assert.Contains("elbow_flex.pos jumps 8", finding.Message);
        Assert.Contains("at frame 70", finding.Message);
        Assert.Contains("trim or re-record", finding.Fix);
    }

    [Fact]
    public void Outliers_name_the_feature_the_episode_and_the_frame()
    {
        var check = Defect("outliers", e => e[13].State[30][Roll] = 120);
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([13], finding.Episodes);
        Assert.Equal([30, 30], Assert.Single(finding.Frames));
        Assert.Equal("observation.state wrist_roll.pos has values beyond 10 std of its mean in episode(s) 13 (episode 13 frame 30)", finding.Message);
        Assert.Contains("sensor glitch", finding.Fix);
    }

    [Fact]
    public void Episode_lengths_name_an_episode_shorter_than_one_chunk()
    {
        var check = Defect("episode_lengths", e =>
        {
            var ep = e[17];
            (ep.Action, ep.State, ep.Success) = (ep.Action[..20], ep.State[..20], ep.Success[..20]);
        });
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([17], finding.Episodes);
        Assert.Equal("episode 17 has 20 frames, fewer than one 30-step action chunk", finding.Message);
        Assert.Equal("drop episode 17 or record longer episodes", finding.Fix);
    }

    [Fact]
    public void Joint_limits_fail_naming_the_episode_and_the_frames_beyond_180_degrees()
    {
        var check = Defect("joint_limits", e => { for (var i = 40; i <= 44; i++) e[19].State[i][Elbow] = 200; });
        Assert.Equal(CheckStatus.Fail, check.Status);
        var finding = Single(check);
        Assert.Equal([19], finding.Episodes);
        Assert.Equal([40, 44], Assert.Single(finding.Frames));
        Assert.Equal("observation.state elbow_flex.pos leaves [-180, 180] in episode(s) 19 (episode 19 frames 40–44)", finding.Message);
        Assert.Contains("robothost calibrate", finding.Fix);
    }

    [Fact]
    public void Joint_limits_come_from_the_dataset_and_skip_when_it_states_none()
    {
        // The limits travel in meta/info.json next to each feature; a dataset without them (recorded elsewhere) is not guessed at.
        var episodes = CleanEpisodes();
        for (var i = 40; i <= 44; i++) episodes[19].State[i][Elbow] = 200;
        var root = Write(episodes, "no-limits");
        var infoPath = Path.Combine(root, "meta", "info.json");
        var info = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(infoPath))!;
        var state = info["features"]!["observation.state"]!.AsObject();
        Assert.Equal([-180.0, -180, -180, -180, -180, 0], state["lower"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("%", state["units"]![5]!.GetValue<string>());
        Assert.Equal(CheckStatus.Fail, Check(root)["joint_limits"].Status);

        foreach (var key in new[] { "observation.state", "action" })
            foreach (var field in new[] { "lower", "upper", "units" }) info["features"]![key]!.AsObject().Remove(field);
        File.WriteAllText(infoPath, info.ToJsonString());
        var skipped = Check(root)["joint_limits"];
        Assert.Equal(CheckStatus.Skip, skipped.Status);
        Assert.Contains("states no joint limits", skipped.Summary);
        Assert.Empty(skipped.Findings);
    }

    [Fact]
    public void Duplicate_episodes_name_both_copies()
    {
        var check = Defect("duplicate_episodes", e => e[21] = e[20].Copy());
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal([20, 21], finding.Episodes);
        Assert.Equal("episodes 20, 21 are exact duplicates", finding.Message);
        Assert.Equal("drop all but episode 20", finding.Fix);
    }

    [Fact]
    public void Stats_consistency_fails_when_stats_json_disagrees_with_the_data()
    {
        var check = Defect("stats_consistency", _ => { }, root => EditStats(root, stats =>
        {
            var mean = stats["action"]!["mean"]!.AsArray();
            mean[Pan] = mean[Pan]!.GetValue<double>() + 10;
        }));
        Assert.Equal(CheckStatus.Fail, check.Status);
        var finding = Single(check);
        Assert.StartsWith("stats.json action[0] says mean ", finding.Message);
        Assert.Empty(finding.Episodes); // dataset-wide: no episode to name
        Assert.Contains("recompute the statistics", finding.Fix);
    }

    [Fact]
    public void Task_balance_warns_when_one_task_has_almost_every_episode()
    {
        var check = Defect("task_balance", e => { for (var i = 0; i < 4; i++) e[i * 10].Task = "stack the cubes"; });
        Assert.Equal(CheckStatus.Warn, check.Status);
        var finding = Single(check);
        Assert.Equal($"task \"{SyntheticPickDataset.Task}\" has 92% of the episodes; 1 other task(s) share the rest (episode(s) 0, 10, 20, 30)", finding.Message.Replace("92 %", "92%"));
        Assert.Equal([0, 10, 20, 30], finding.Episodes);
        Assert.Contains("record more episodes of the other tasks", finding.Fix);
    }

    /// <summary>
    /// Seven zones, one of them (zone 2 lifted by 25°) directly above another in the pan/elbow projection: each zone's
    /// colour must show in the coverage PNG about as much as the others', not only in the legend.
    /// </summary>
    [Fact]
    public void The_coverage_plot_shows_every_zone_even_two_that_differ_only_in_lift()
    {
        var episodes = CleanEpisodes(48);
        foreach (var i in Enumerable.Range(0, 48).Where(i => i % 6 == 2).ToList())
        {
            // The same grasp in pan and elbow, 25° further in lift.
            var lifted = Clean(i, graspLift: 25);
            episodes.Add(lifted);
        }
        var root = Write(episodes, "coverage");
        var plots = Path.Combine(Path.GetDirectoryName(root)!, "plots");
        DatasetReport report;
        using (var reader = Format.Open(root))
            report = DatasetChecker.Check(reader, new DatasetCheckOptions { PlotDirectory = plots });
        Assert.StartsWith("7 grasp zone(s)", report["spatial_diversity"].Summary);
        var zones = DatasetZonesOf(report);
        using var bitmap = SkiaSharp.SKBitmap.Decode(report.Plots["coverage"]);
        Assert.NotNull(bitmap);
        var palette = new ScottPlot.Palettes.Category10();
        var counts = zones.Select(z =>
        {
            var c = palette.GetColor(z);
            var n = 0;
            foreach (var p in bitmap.Pixels)
                if (Math.Abs(p.Red - c.R) <= 2 && Math.Abs(p.Green - c.G) <= 2 && Math.Abs(p.Blue - c.B) <= 2) n++;
            return n;
        }).ToList();
        var median = counts.Order().ElementAt(counts.Count / 2);
        for (var k = 0; k < zones.Count; k++)
            Assert.True(counts[k] >= 0.4 * median, $"zone {zones[k] + 1} shows {counts[k]} pixels, the median zone {median}: hidden under another zone");
    }

    /// <summary>Zone indices (0-based) named in the spatial summary ("zone 1: 8, zone 2: 8, …").</summary>
    private static List<int> DatasetZonesOf(DatasetReport report) =>
        System.Text.RegularExpressions.Regex.Matches(report["spatial_diversity"].Summary, @"zone (\d+): \d+").Select(m => int.Parse(m.Groups[1].Value) - 1).ToList();
}
