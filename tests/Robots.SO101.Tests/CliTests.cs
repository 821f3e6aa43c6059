using System.Diagnostics;
using System.Runtime.InteropServices;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Tests.Shared;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary>
/// The built <c>robothost</c> executable (artifacts/bin) teleoperating a virtual follower from a virtual leader, both
/// served by this test process on pseudo-terminals; Ctrl+C (SIGINT) must leave torque off.
/// Needs the host to be built (any full build does it); without it there is nothing to run.
/// </summary>
public sealed class CliTests
{
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private const int SIGINT = 2;

    [Fact]
    public async Task Teleoperate_follows_the_leader_and_ctrl_c_turns_torque_off()
    {
        var host = Path.Combine(RepoPaths.HostBinDirectory, "robothost.dll");
        if (!File.Exists(host)) return; // host not built in this checkout: covered by the in-process tests
        var dir = Arms.TempDir();
        using var leader = VirtualSo101.StartCalibratedArm(dir, "cli_leader");
        using var follower = VirtualSo101.StartCalibratedArm(dir, "cli_follower");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                host, "teleoperate", "--fps", "30",
                "--robot", "so101_follower", "--robot-option", $"port={follower.PortPath}", "--robot-option", "id=cli_follower", "--robot-option", $"calibration_dir={dir}",
                "--teleop", "so101_leader", "--teleop-option", $"port={leader.PortPath}", "--teleop-option", "id=cli_leader", "--teleop-option", $"calibration_dir={dir}",
            },
        };
        start.Environment["ROBOTHOST_HOME"] = Path.Combine(dir, "home");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var elbow = follower.Servos.Joint("elbow_flex");
            var connected = Wait.Until(() => follower.Servos.Servos.All(s => s.TorqueEnabled) && elbow.GoalWrites > 5 || process.HasExited, 90);
            if (!connected || process.HasExited)
                Assert.Fail($"teleoperate did not start: {(process.HasExited ? await stderr : "(still running)")}");
            var before = elbow.PresentPosition;
            leader.Servos.Joint("elbow_flex").MoveByHand(before + 200); // the person moves the leader's elbow
            Assert.True(Wait.Until(() => Math.Abs(elbow.PresentPosition - (before + 200)) <= 3, 30), "the follower's elbow did not follow");

            Assert.Equal(0, kill(process.Id, SIGINT));
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "teleoperate did not stop on Ctrl+C");
            Assert.Equal(130, process.ExitCode);
            Assert.True(Arms.AllTorqueOff(follower), "torque still on after Ctrl+C");
            var output = await stdout;
            Assert.Contains("teleoperation:", output);
            Assert.Contains("period p50", output);
            Arms.AssertGoalsWithinLimits(follower);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
