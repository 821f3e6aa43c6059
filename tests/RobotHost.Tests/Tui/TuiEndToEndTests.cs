using System.Diagnostics;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Tui;

/// <summary>
/// <c>robothost tui</c> in a real terminal (tmux) on the simulated rig: record two episodes by keys, train a tiny policy on
/// them from the train panel (progress and outcome on screen), quit, read the dataset and the checkpoint.
/// </summary>
public sealed class TuiEndToEndTests
{
    [Fact]
    public void Tui_in_tmux_records_two_episodes_trains_on_them_with_keys_and_quits()
    {
        var home = RepoPaths.NewTempDirectory("tui-e2e");
        var root = Path.Combine(home, "ds");
        var name = $"rh-tui-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
        var command = $"ROBOTHOST_HOME='{home}' dotnet '{HostProcess.HostDll}' tui --plugins '{RepoPaths.PluginDirectory}' --root '{root}' --episodes 2 --episode-time 2 --reset-time 0 --policy mlp --preset small --train-steps 3 2>'{home}/stderr.txt'; echo EXITED $? > '{home}/exit.txt'";
        try
        {
            Tmux.Run("new-session", "-d", "-s", name, "-x", "100", "-y", "30", command);
            var idle = Tmux.WaitForScreen(name, s => s.Contains("idle", StringComparison.Ordinal) && s.Contains("shoulder_pan", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            Assert.True(idle is not null, "tui never showed the idle rig: " + Tmux.Capture(name));
            Tmux.Run("send-keys", "-t", name, "g");
            var recording = Tmux.WaitForScreen(name, s => s.Contains("episode 1 of 2", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.True(recording is not null, "no episode counter on screen: " + Tmux.Capture(name));
            foreach (var joint in new[] { "shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper" })
                Assert.Contains(joint, recording);
            var done = Tmux.WaitForScreen(name, s => s.Contains("saved 2 episode(s)", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            Assert.True(done is not null, "recording never completed: " + Tmux.Capture(name));
            Assert.Contains("episode 2 of 2", done);

            // Train panel: the dataset just recorded is the default; t trains (mlp/small, 3 steps) off the UI thread.
            Tmux.Run("send-keys", "-t", name, "l");
            Assert.True(Tmux.WaitForScreen(name, s => s.Contains("policy mlp/small 3 steps", StringComparison.Ordinal), TimeSpan.FromSeconds(10)) is not null, "no train panel: " + Tmux.Capture(name));
            Tmux.Run("send-keys", "-t", name, "t");
            var trained = Tmux.WaitForScreen(name, s => s.Contains("done at step 3", StringComparison.Ordinal), TimeSpan.FromSeconds(180));
            Assert.True(trained is not null, "training never finished on screen: " + Tmux.Capture(name));
            Assert.Contains("step 3/3 100%", trained);
            Assert.Contains("it/s", trained);
            Tmux.Run("send-keys", "-t", name, "q");
            var exit = Path.Combine(home, "exit.txt");
            var sw = Stopwatch.StartNew();
            while (!File.Exists(exit) && sw.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(200);
            Assert.True(File.Exists(exit), "q did not quit the tui: " + Tmux.Capture(name));
            Assert.Equal("EXITED 0", File.ReadAllText(exit).Trim());
        }
        finally
        {
            try { Tmux.Run("kill-session", "-t", name); } catch (InvalidOperationException) { }
        }

        using var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(home), PluginDirectories = [RepoPaths.PluginDirectory], IncludeDefaultPluginDirectories = false,
        });
        using var reader = session.Catalog.DatasetFormatFor(root).Open(root);
        Assert.Equal(2, reader.Episodes.Count);
        Assert.All(reader.Episodes, e => Assert.True(e.Length > 10, $"episode {e.EpisodeIndex} has {e.Length} frames"));
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(home, "runs"), "tui-mlp-*"));
        Assert.True(File.Exists(Path.Combine(run, "train_summary.json")), $"no train_summary.json in {run}");
        Assert.Contains("\"steps\": 3", File.ReadAllText(Path.Combine(run, "train_summary.json")));
    }
}
