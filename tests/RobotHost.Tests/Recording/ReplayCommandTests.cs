using RobotHost.Sdk;
using RobotHost.Tests.Rollout;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Recording;

/// <summary>
/// <c>robothost dataset replay</c> as a user runs it (a child process) against a real so101_follower talking STS3215 to a
/// virtual arm on a pseudo-terminal: the servos' goal registers must follow the recorded actions, and torque must be off
/// when the command ends.
/// </summary>
public sealed class ReplayCommandTests
{
    // STS3215: 4096 steps per turn; LeRobot degrees mode maps (raw - mid) · 360 / 4095 (docs/sts3215.md).
    private const double StepsPerDegree = 4095 / 360.0;
    private const int Frames = 60;
    private const float PanEndDegrees = 40;

    [Fact]
    public void Replay_moves_the_follower_goals_along_the_recorded_actions_and_leaves_torque_off()
    {
        using var arm = new VirtualFollower("replay");
        var joints = arm.Robot.ActionFeature.Names!;
        var pan = joints.ToList().IndexOf("shoulder_pan.pos");
        var gripper = joints.ToList().IndexOf("gripper.pos");
        var root = Path.Combine(arm.Home, "wave");
        // One 2 s episode: shoulder_pan ramps 0° → 40° (0.67° a frame, inside the follower's default 20° step cap), the
        // other joints hold the middle of their range (0°, gripper 50 %).
        var schema = new DatasetSchema("so101_follower", 30, [FeatureSpec.Vector(FeatureKeys.Action, joints), FeatureSpec.Vector(FeatureKeys.State, joints)]);
        using (var writer = arm.Session.Catalog.DatasetFormat("lerobot").Create(root, schema))
        {
            for (var i = 0; i < Frames; i++)
            {
                var action = new float[joints.Count];
                action[pan] = PanEndDegrees * i / (Frames - 1);
                action[gripper] = 50;
                writer.AddFrame(new DatasetFrame { Values = new Dictionary<string, float[]> { [FeatureKeys.Action] = action, [FeatureKeys.State] = action } });
            }
            writer.SaveEpisode("wave");
        }
        var panServo = arm.Servo(1);
        var mid = (int)panServo.GoalPosition; // the virtual arm starts centred: 0° in degrees mode
        var before = Enumerable.Range(1, 6).Select(id => (int)arm.Servo(id).GoalPosition).ToArray();

        // The goal register as the replay runs, sampled from this process.
        var goals = new List<int>();
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(5)) lock (goals) goals.Add((int)panServo.GoalPosition);
        });
        sampler.Start();
        HostRun run;
        try
        {
            run = HostProcess.Run(arm.Home, ["dataset", "replay", root, "--episode", "0", "--robot", "so101_follower",
                "--robot-option", $"port={arm.PortPath}", "--robot-option", "id=rollout_test",
                "--robot-option", $"calibration_dir={Path.Combine(arm.Home, "calibration")}"]);
        }
        finally
        {
            done.Set();
            sampler.Join();
        }

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains($"replayed {Frames} actions of episode 0", run.Stdout);
        // The last goal is the last recorded action: 40° from the middle.
        var expectedEnd = mid + (int)Math.Round(PanEndDegrees * StepsPerDegree);
        Assert.InRange((int)panServo.GoalPosition, expectedEnd - 3, expectedEnd + 3);
        var (low, high) = ((int, int))panServo.GoalsWritten;
        Assert.InRange(low, mid - 3, mid + 3);
        Assert.InRange(high, expectedEnd - 3, expectedEnd + 3);
        // In between, the goal walked up the ramp: many distinct values, never stepping back.
        List<int> seen;
        lock (goals) seen = goals.Distinct().ToList();
        Assert.True(seen.Count >= 10, $"only {seen.Count} distinct goals seen during the replay: {string.Join(", ", seen)}");
        Assert.All(seen.Zip(seen.Skip(1)), p => Assert.True(p.Second >= p.First - 2, $"the goal went back from {p.First} to {p.Second}"));
        // The other joints were held where the recording held them.
        for (var id = 2; id <= 6; id++)
        {
            var servo = arm.Servo(id);
            Assert.True((int)servo.GoalWrites > 0, $"servo {id} got no goal");
            var (min, max) = ((int, int))servo.GoalsWritten;
            Assert.True(Math.Abs(min - before[id - 1]) <= 3 && Math.Abs(max - before[id - 1]) <= 3, $"servo {id} moved: goals {min}..{max}, started at {before[id - 1]}");
        }
        Assert.True(arm.AllTorqueOff, "torque is still on after the replay ended");
    }
}
