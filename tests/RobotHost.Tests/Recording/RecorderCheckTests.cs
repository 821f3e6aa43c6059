using System.Collections.Concurrent;
using RobotHost.Recording;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Recording;

/// <summary>
/// The recorder runs the dataset check's single-episode inspection after each saved episode and tells the operator
/// ("episode 12 has 2.1 s idle at the start"): in the result, through <see cref="IRecordNotices"/>, in the log, and on
/// the <c>robothost record</c> terminal. Real simulated rig and scripted expert idling on purpose.
/// </summary>
public sealed class RecorderCheckTests
{
    private static HostSession Session(string home, Serilog.Core.ILogEventSink? logPane = null) => HostSession.Start(new HostOptions
    {
        Paths = new HostPaths(home),
        ExtraLogSink = logPane,
        PluginDirectories = [RepoPaths.PluginDirectory],
        IncludeDefaultPluginDirectories = false,
    });

    [Fact]
    public void Each_saved_episode_with_idle_start_is_reported_while_recording_and_a_clean_one_is_not()
    {
        var home = RepoPaths.NewTempDirectory("rec-check");
        var logPane = new RobotHost.Tui.LogRingSink();
        using var session = Session(home, logPane);
        var notices = new NoticeSpy();
        var options = new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", TeleopOptions = new Dictionary<string, string> { ["idle_start_s"] = "2" },
            Root = Path.Combine(home, "idle"), Episodes = 2, EpisodeTimeS = 20, Realtime = false, Seed = 3,
        };
        var result = new Recorder(session.CreateLogger("RobotHost.Recording")).Record(session, options, progress: notices);

        Assert.Equal(2, result.Episodes.Count);
        foreach (var episode in result.Episodes)
        {
            var warning = Assert.Single(episode.Warnings);
            Assert.Matches($@"^episode {episode.EpisodeIndex} has 2\.\d s idle at the start$", warning);
            Assert.Contains("check: " + warning, notices.Lines);
            Assert.Contains("check: " + warning, result.Summary());
            // The TUI's log pane is such an extra sink: it shows the same line as a warning.
            Assert.Contains(logPane.Tail(200), line => line.EndsWith(" WRN check: " + warning, StringComparison.Ordinal));
        }
        Assert.Equal(2, notices.Lines.Count);

        var clean = new Recorder().Record(session, options with { TeleopOptions = new Dictionary<string, string>(), Root = Path.Combine(home, "clean"), Episodes = 1 }, progress: notices);
        Assert.Empty(Assert.Single(clean.Episodes).Warnings);
        Assert.Equal(2, notices.Lines.Count);
    }

    [Fact]
    public void Robothost_record_prints_the_finding_on_the_terminal()
    {
        var home = RepoPaths.NewTempDirectory("rec-check-cli");
        var run = HostProcess.Run(home, ["record", "--robot", "sim_so101", "--teleop", "sim_expert", "--teleop-option", "idle_start_s=1.8",
            "--root", Path.Combine(home, "data"), "--episodes", "1", "--episode-time", "20", "--reset-time", "0", "--no-realtime"], TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"(?m)^check: episode 0 has 1\.\d s idle at the start", run.Stderr);
        Assert.Matches(@"(?m)^check: episode 0 has 1\.\d s idle at the start", run.Stdout);
    }

    private sealed class NoticeSpy : IProgress<RecordProgress>, IRecordNotices
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public List<string> Lines => [.. _lines];

        public void Report(RecordProgress value) { }

        public void Notice(string message) => _lines.Enqueue(message);
    }
}
