using System.Text.Json;
using RobotHost.DatasetCheck;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.DatasetCheck;

/// <summary>
/// The check against datasets recorded by the real host on the simulator, with the scripted expert producing each
/// data failure mode on purpose: the check must find it and name the right episodes.
/// </summary>
public sealed class DatasetCheckTests
{
    private static readonly string Home = RepoPaths.NewTempDirectory("check-home");

    private static string Record(string name, int episodes, params string[] expertOptions)
    {
        var root = Path.Combine(RepoPaths.NewTempDirectory("check-" + name), "data");
        var args = new List<string> { "record", "--robot", "sim_so101", "--teleop", "sim_expert", "--root", root, "--episodes", episodes.ToString(),
            "--episode-time", "20", "--reset-time", "0", "--no-realtime", "--seed", "11", "--task", "put the cube in the bin" };
        foreach (var o in expertOptions) args.AddRange(["--teleop-option", o]);
        var run = HostProcess.Run(Home, args, TimeSpan.FromMinutes(6));
        Assert.True(run.ExitCode == 0, $"record failed: {run.Stderr}");
        return root;
    }

    private static (int ExitCode, JsonElement Report, string Stderr) Check(string root, params string[] extra)
    {
        var run = HostProcess.Run(Home, ["dataset", "check", root, "--json", "--out", Path.Combine(root, "..", "plots"), .. extra]);
        using var json = JsonDocument.Parse(run.Stdout);
        return (run.ExitCode, json.RootElement.Clone(), run.Stderr);
    }

    private static JsonElement CheckById(JsonElement report, string id) =>
        report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static IEnumerable<int> FlaggedEpisodes(JsonElement check) =>
        check.GetProperty("findings").EnumerateArray().SelectMany(f => f.GetProperty("episodes").EnumerateArray().Select(e => e.GetInt32())).Distinct();

    [Fact]
    public void Clean_fifty_episode_six_zone_dataset_has_no_fail_and_plots_are_written()
    {
        var root = Record("clean", 50);
        var (exit, report, _) = Check(root, "--ci");
        Assert.Equal(0, exit);
        Assert.NotEqual("fail", report.GetProperty("status").GetString());
        Assert.Equal("pass", CheckById(report, "spatial_diversity").GetProperty("status").GetString());
        Assert.Contains("6 grasp zone(s)", CheckById(report, "spatial_diversity").GetProperty("summary").GetString());
        Assert.Equal("pass", CheckById(report, "idle_frames").GetProperty("status").GetString());
        Assert.Equal("pass", CheckById(report, "incomplete_episodes").GetProperty("status").GetString());
        Assert.Equal("pass", CheckById(report, "stats_consistency").GetProperty("status").GetString());
        // Six zones reached with one technique: zones must not pass for techniques.
        Assert.Equal("pass", CheckById(report, "technique_consistency").GetProperty("status").GetString());
        foreach (var plot in report.GetProperty("plots").EnumerateObject())
            Assert.True(new FileInfo(plot.Value.GetString()!).Length > 1000, $"plot {plot.Name} is empty");
        Assert.True(report.GetProperty("plots").TryGetProperty("coverage", out _));

        // The JSON shape documented in docs/dataset-check.md: these names, these check ids in this order.
        Assert.Equal(["dataset", "robot_type", "fps", "episodes", "frames", "status", "checks", "plots"], report.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["episode_count", "spatial_diversity", "idle_frames", "technique_consistency", "incomplete_episodes", "timing", "video_frames",
            "clipped_values", "frozen_actions", "action_jumps", "outliers", "episode_lengths", "joint_limits", "duplicate_episodes", "stats_consistency", "task_balance"],
            report.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.All(report.GetProperty("checks").EnumerateArray(), c =>
            Assert.Equal(["id", "title", "status", "summary", "findings"], c.EnumerateObject().Select(p => p.Name)));
        Assert.Equal((50, 30), (report.GetProperty("episodes").GetInt32(), report.GetProperty("fps").GetInt32()));
    }

    [Fact]
    public void Too_few_episodes_fail_and_ci_mode_exits_non_zero()
    {
        var root = Record("few", 6);
        var (exit, report, _) = Check(root, "--ci");
        Assert.Equal("fail", CheckById(report, "episode_count").GetProperty("status").GetString());
        Assert.Equal(2, exit);
        var finding = CheckById(report, "episode_count").GetProperty("findings")[0];
        Assert.Equal(["message", "episodes", "frames", "fix"], finding.EnumerateObject().Select(p => p.Name));

        // Without --ci the report is informational: exit 0 even with a FAIL.
        Assert.Equal(0, Check(root).ExitCode);
    }

    [Fact]
    public void Idle_frames_at_the_start_are_found_with_their_duration_and_frames()
    {
        var root = Record("idle", 8, "idle_start_s=2");
        var (_, report, _) = Check(root);
        var idle = CheckById(report, "idle_frames");
        Assert.Equal("warn", idle.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(0, 8), FlaggedEpisodes(idle).Order());
        var first = idle.GetProperty("findings")[0];
        Assert.Matches(@"episode 0 has 2\.\d s idle at the start \(frames 0–\d+\)", first.GetProperty("message").GetString());
        Assert.Contains("trim frames 0–", first.GetProperty("fix").GetString());
    }

    [Fact]
    public void A_single_zone_dataset_warns_about_spatial_diversity()
    {
        var root = Record("zone", 8, "single_zone=4");
        var (_, report, _) = Check(root);
        var spatial = CheckById(report, "spatial_diversity");
        Assert.Equal("warn", spatial.GetProperty("status").GetString());
        var zones = int.Parse(System.Text.RegularExpressions.Regex.Match(spatial.GetProperty("summary").GetString()!, @"^(\d+) grasp zone").Groups[1].Value);
        Assert.InRange(zones, 1, 2); // one placement zone; its grasps may spread a little
        Assert.True(FlaggedEpisodes(spatial).Count() >= 4, "the episodes of the dominant zone are named");
    }

    [Fact]
    public void Incomplete_episodes_are_named_and_match_the_episodes_that_never_succeed()
    {
        var root = Record("incomplete", 12, "incomplete=0.4");
        var (_, report, _) = Check(root);
        var incomplete = CheckById(report, "incomplete_episodes");
        var flagged = FlaggedEpisodes(incomplete).Order().ToList();
        Assert.NotEmpty(flagged);
        Assert.NotEqual("pass", incomplete.GetProperty("status").GetString());

        // Ground truth from the data itself: the episodes whose success flag is never set.
        var home = new HostOptions { PluginDirectories = [RepoPaths.PluginDirectory], IncludeDefaultPluginDirectories = false, Paths = new HostPaths(Home) };
        using var session = HostSession.Start(home);
        using var reader = session.Catalog.DatasetFormatFor(root).Open(root);
        var failed = EpisodeSeries.Load(reader).Where(e => !e.Success!.Any(s => s > 0.5)).Select(e => e.Episode).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, e => Assert.Contains(e, flagged));
    }

    [Fact]
    public void The_recorder_side_inspection_reports_idle_seconds_in_words()
    {
        var episode = new EpisodeSeries
        {
            Episode = 12, FromIndex = 0, Task = "t",
            State = Enumerable.Range(0, 150).Select(i => new[] { i < 63 ? 0f : i - 63f }).ToArray(),
            Action = Enumerable.Range(0, 150).Select(i => new[] { i < 63 ? 0f : i - 63f }).ToArray(),
            Timestamps = Enumerable.Range(0, 150).Select(i => i / 30.0).ToArray(),
        };
        var messages = DatasetChecker.InspectEpisode(episode, 30);
        Assert.Contains("episode 12 has 2.1 s idle at the start", messages);
    }
}
