using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RobotHost.Learning.Checkpoints;
using RobotHost.Rollout;
using RobotHost.Sdk;
using RobotHost.Tests.Rollout;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Training;

namespace RobotHost.Tests.Tui;

/// <summary>
/// <c>robothost tui</c> in a real terminal (tmux) on the simulated rig, the whole corrections loop by keys: F6 runs a
/// trained checkpoint and records the run, t hands over to the teleoperator and back, q saves the episode, f fine-tunes
/// the checkpoint on demonstrations + corrections, q quits. Then the corrections dataset and the new checkpoint are read from disk.
/// </summary>
public sealed class TuiCorrectionsTests
{
    [Fact]
    public void F6_run_with_takeover_is_recorded_as_corrections_and_f_fine_tunes_the_checkpoint_on_demos_plus_corrections()
    {
        var home = RepoPaths.NewTempDirectory("tui-corrections");
        string checkpoint;
        using (var session = PluginSession.Start(home))
            checkpoint = StateOnlyMlp.Train(session, home);
        var demos = Path.Combine(home, "sim-demos");
        var corrections = demos + "_corrections";
        var name = $"rh-corr-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
        var exit = Path.Combine(home, "exit.txt");
        // No cameras: the checkpoint reads the joints only, and the demonstrations it was trained on have none.
        var command = $"ROBOTHOST_HOME='{home}' dotnet '{HostProcess.HostDll}' tui --plugins '{RepoPaths.PluginDirectory}' --root '{demos}' --cameras '' " +
            $"--checkpoint '{checkpoint}' --episodes 1 --episode-time 60 --reset-time 0 --train-steps 5 2>'{home}/stderr.txt'; echo EXITED $? > '{exit}'";
        string Wait(string what, Func<string, bool> ok, int seconds = 60) =>
            Tmux.WaitForScreen(name, ok, TimeSpan.FromSeconds(seconds)) ?? throw new Xunit.Sdk.XunitException($"{what}; screen:\n{Tmux.Capture(name)}");
        string screen;
        try
        {
            Tmux.Run("new-session", "-d", "-s", name, "-x", "100", "-y", "30", command);
            Wait("the tui never showed the idle rig", s => s.Contains("idle", StringComparison.Ordinal) && s.Contains("shoulder_pan", StringComparison.Ordinal), 90);
            Tmux.Run("send-keys", "-t", name, "F6");
            Wait("F6 did not start the policy", s => s.Contains("policy drives", StringComparison.Ordinal) && Regex.IsMatch(s, @"frames [1-9]\d"));
            Tmux.Run("send-keys", "-t", name, "t");
            Wait("t did not hand over", s => s.Contains("TAKEOVER", StringComparison.Ordinal) && Regex.IsMatch(s, @"takeover frames [1-9]\d"));
            Tmux.Run("send-keys", "-t", name, "t");
            var handedBack = Wait("the second t did not hand back", s => s.Contains("run: policy drives, takeovers 1", StringComparison.Ordinal));
            var framesAtHandback = int.Parse(Regex.Match(handedBack, @"frames (\d+) \(total").Groups[1].Value);
            Wait("the policy did not drive after the handback", s => Regex.Match(s, @"frames (\d+) \(total") is { Success: true } m && int.Parse(m.Groups[1].Value) > framesAtHandback + 10);

            // q saves the episode (a stop, not a cancel) and the panel counts what the dataset now holds.
            Tmux.Run("send-keys", "-t", name, "q");
            screen = Wait("q did not save the run", s => s.Contains("corrected 1/1 episodes", StringComparison.Ordinal));
            Assert.Contains("run saved 1 episode(s), 1 takeover(s)", screen);
            Assert.Matches(@"takeover frames [1-9]\d", screen);
            Assert.Contains("f fine-tune on demos + corrections", screen);

            Tmux.Run("send-keys", "-t", name, "f");
            screen = Wait("fine-tuning never finished on screen", s => s.Contains("done at step 5", StringComparison.Ordinal), 120);
            Assert.Contains("+ corrections", screen);
            Tmux.Run("send-keys", "-t", name, "q");
            Wait("q did not quit", _ => File.Exists(exit), 30);
            Assert.Equal("EXITED 0", File.ReadAllText(exit).Trim());
        }
        finally
        {
            try { Tmux.Run("kill-session", "-t", name); } catch (InvalidOperationException) { }
        }

        using (var session = PluginSession.Start(home))
        using (var reader = session.Catalog.DatasetFormatFor(corrections).Open(corrections))
        {
            var episode = Assert.Single(reader.Episodes);
            var frames = Enumerable.Range(0, (int)(episode.ToIndex - episode.FromIndex))
                .Select(i => reader.GetFrame(episode.FromIndex + i, withImages: false).Values).ToList();
            var sources = frames.Select(v => (FrameSource)(int)v[FeatureKeys.Source][0]).ToList();
            Assert.Equal([FrameSource.Policy, FrameSource.Takeover, FrameSource.Policy], sources.Where((s, i) => i == 0 || s != sources[i - 1]).ToArray());
            Assert.True(sources.Count(s => s == FrameSource.Takeover) >= 10, $"{sources.Count(s => s == FrameSource.Takeover)} takeover frames");
            Assert.All(frames, v => Assert.Equal((FrameSource)(int)v[FeatureKeys.Source][0] == FrameSource.Takeover ? 1f : 0f, v[FeatureKeys.Intervention][0]));
            Assert.Equal(new CorrectionCounts(1, 1, sources.Count(s => s == FrameSource.Takeover), sources.Count(s => s == FrameSource.Policy)),
                CorrectionCounts.Of(reader));
        }

        var run = Assert.Single(Directory.GetDirectories(Path.Combine(home, "runs"), "tui-mlp-finetune-*"));
        var last = PolicyCheckpoint.Resolve(run);
        Assert.True(File.Exists(Path.Combine(last, PolicyCheckpoint.ModelFile)), $"no weights in {last}");
        Assert.True(File.Exists(Path.Combine(last, PolicyCheckpoint.ConfigFile)), $"no config in {last}");
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, TrainingRunner.SummaryFileName)))!;
        Assert.Equal(demos, (string?)summary["dataset"]);
        Assert.Equal([corrections], summary["more_datasets"]!.AsArray().Select(d => (string)d!).ToArray());
        Assert.Equal(Path.GetFullPath(checkpoint), (string?)summary["init_from"]);
        Assert.Equal(5, (long)summary["steps"]!);
        var log = string.Join('\n', Directory.GetFiles(Path.Combine(home, "logs"), "robothost-*.log").Select(ReadShared));
        Assert.Contains($"fine-tuning mlp from {PolicyCheckpoint.Resolve(checkpoint)} on {demos} + {corrections}", log);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
