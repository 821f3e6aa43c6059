using System.Diagnostics;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Rollout;

/// <summary>
/// <c>robothost rollout --teleop so101_leader --root …</c> in a real terminal (tmux), on virtual follower and leader arms
/// on pseudo-terminals: the t key hands the follower to the leader and back, q saves the episode and ends the rollout.
/// </summary>
public sealed class RolloutTakeoverCommandTests
{
    private const double StepsPerDegree = 4096 / 360.0;

    [Fact]
    public void The_t_key_hands_the_follower_to_the_leader_and_back_and_q_saves_the_recorded_takeover()
    {
        using var arm = new VirtualFollower("cli-takeover");
        var checkpoint = StateOnlyMlp.Train(arm.Session, arm.Home);
        var (leaderBus, leaderOptions) = arm.StartLeader("cli_leader");
        var home = arm.Home;
        var root = Path.Combine(home, "hg");
        static string Options(string flag, IReadOnlyDictionary<string, string> options) => string.Join(' ', options.Select(o => $"{flag} '{o.Key}={o.Value}'"));
        var command = $"ROBOTHOST_HOME='{home}' dotnet '{HostProcess.HostDll}' rollout --plugins '{RepoPaths.PluginDirectory}' --checkpoint '{checkpoint}' " +
            $"--robot so101_follower {Options("--robot-option", arm.RobotOptions)} --teleop so101_leader {Options("--teleop-option", leaderOptions)} " +
            $"--root '{root}' --episodes 1 --duration 60 --fps 30 --max-step 5 --watchdog-ms 2000 >'{home}/stdout.txt' 2>'{home}/stderr.txt'; echo EXITED $? > '{home}/exit.txt'";
        var name = $"rh-takeover-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
        var exit = Path.Combine(home, "exit.txt");
        string Log() => $"stderr: {(File.Exists(Path.Combine(home, "stderr.txt")) ? File.ReadAllText(Path.Combine(home, "stderr.txt")) : "(none)")}";
        bool LeaderTorque(bool on) => ((System.Collections.IEnumerable)leaderBus.Servos.Servos).Cast<dynamic>().All(s => (bool)s.TorqueEnabled == on);
        dynamic leaderPan = leaderBus.Servos[1];
        try
        {
            Tmux.Run("new-session", "-d", "-s", name, "-x", "120", "-y", "30", command);
            // The policy drives and the leader mirrors it with torque on.
            Eventually.WaitFor(() => LeaderTorque(on: true) || File.Exists(exit), TimeSpan.FromSeconds(90), () => "the leader never took torque: " + Log());
            Assert.False(File.Exists(exit), "rollout ended early: " + Log());
            Thread.Sleep(1000);

            Tmux.Run("send-keys", "-t", name, "t");
            Eventually.WaitFor(() => LeaderTorque(on: false), TimeSpan.FromSeconds(10), () => "t did not release the leader: " + Log());
            var target = (int)leaderPan.PresentPosition + (int)(30 * StepsPerDegree);
            leaderPan.MoveByHand(target);
            Eventually.WaitFor(() => Math.Abs((int)arm.Servo(1).PresentPosition - target) < 2 * StepsPerDegree, TimeSpan.FromSeconds(15),
                () => $"the follower did not follow the leader (pan {arm.Servo(1).PresentPosition}, leader at {target}): " + Log());

            Tmux.Run("send-keys", "-t", name, "t");
            Eventually.WaitFor(() => LeaderTorque(on: true), TimeSpan.FromSeconds(10), () => "the second t did not hand back to the policy: " + Log());
            Thread.Sleep(1000);
            Tmux.Run("send-keys", "-t", name, "q");
            Eventually.WaitFor(() => File.Exists(exit), TimeSpan.FromSeconds(60), () => "q did not end the rollout: " + Log());
            Assert.True(File.ReadAllText(exit).Trim() == "EXITED 0", File.ReadAllText(exit) + Log());
        }
        finally
        {
            try { Tmux.Run("kill-session", "-t", name); } catch (InvalidOperationException) { }
        }
        Assert.True(arm.AllTorqueOff, "follower torque on after the rollout ended");
        Assert.True(LeaderTorque(on: false), "leader torque on after the rollout ended");
        var stdout = File.ReadAllText(Path.Combine(home, "stdout.txt"));
        Assert.Contains("takeover: 1 handover(s)", stdout);

        using var reader = arm.Session.Catalog.DatasetFormatFor(root).Open(root);
        var episode = Assert.Single(reader.Episodes);
        var sources = Enumerable.Range(0, episode.Length)
            .Select(i => (FrameSource)(int)reader.GetFrame(episode.FromIndex + i, withImages: false).Values[FeatureKeys.Source][0]).ToList();
        Assert.Equal([FrameSource.Policy, FrameSource.Takeover, FrameSource.Policy], sources.Where((s, i) => i == 0 || s != sources[i - 1]).ToArray());
    }
}
