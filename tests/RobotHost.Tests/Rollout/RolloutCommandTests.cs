using RobotHost.Tests.Scripting;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Rollout;

/// <summary><c>robothost rollout</c> from the command line on the simulated follower, with real checkpoints from disk.</summary>
public sealed class RolloutCommandTests
{
    [Fact]
    public void Rollout_runs_one_checkpoint_or_an_ensemble_of_two_on_the_simulated_follower()
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var checkpoints = host.RecordAndTrainTwoMlps("""
            var small = new Dictionary<string, string> { ["width"] = "32", ["height"] = "32" };
            var data = Record(new RecordOptions
            {
                RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front"], CameraOptions = [small],
                Root = Out("data"), Episodes = 2, EpisodeTimeS = 2, ResetTimeS = 0, Realtime = false,
            });
            """, steps: 10);
        string[] rig = ["--robot", "sim_so101", "--cameras", "sim_front", "--camera-option", "width=32", "--camera-option", "height=32", "--duration", "1"];

        var one = HostProcess.Run(host.Home, ["rollout", "--checkpoint", checkpoints[0], .. rig]);
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.Contains("rollout completed: 1 episode(s)", one.Stdout);

        var both = HostProcess.Run(host.Home, ["rollout", "--checkpoint", checkpoints[0], "--checkpoint", checkpoints[1], .. rig]);
        Assert.True(both.ExitCode == 0, both.Stderr);
        Assert.Contains("rollout completed: 1 episode(s)", both.Stdout);
        Assert.Matches(@"\b([1-9]\d+) policy actions", both.Stdout);

        // A member that is not a checkpoint is named before the robot moves.
        var bad = HostProcess.Run(host.Home, ["rollout", "--checkpoint", checkpoints[0], "--checkpoint", Path.Combine(host.Home, "nope"), .. rig]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("nope", bad.Stderr);
    }
}
