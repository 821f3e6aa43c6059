using RobotHost.Control;
using RobotHost.Recording;
using RobotHost.Rollout;
using RobotHost.Sdk;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Rollout;

/// <summary>
/// Human takeover during a rollout (HG-DAgger) on real parts: a trained MLP drives a so101_follower on a virtual arm, a
/// so101_leader on a second virtual arm mirrors it, a person (the test moving the leader's servos) takes over and hands
/// back, and the recorded LeRobot dataset says who drove every frame.
/// </summary>
public sealed class TakeoverTests
{
    private const float MaxStep = 5f;
    // STS3215: 4096 steps per turn, so one degree is 4096/360 steps.
    private const double StepsPerDegree = 4096 / 360.0;

    private sealed class LatestProgress : IProgress<RecordProgress>
    {
        public volatile RecordProgress? Value;
        public void Report(RecordProgress value) => Value = value;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_person_takes_over_at_the_leader_and_hands_back_and_the_dataset_records_who_drove_each_frame_without_a_jump(bool leaderMirrors)
    {
        using var arm = new VirtualFollower("takeover");
        var checkpoint = StateOnlyMlp.Train(arm.Session, arm.Home);
        var (leaderBus, started) = arm.StartLeader("takeover_leader");
        // mirror=false: a leader that cannot hold a pose, so at takeover it is wherever the person left it.
        var leaderOptions = new Dictionary<string, string>(started) { ["mirror"] = leaderMirrors ? "true" : "false" };
        var root = Path.Combine(arm.Home, "hg-dagger");
        var takeover = new TakeoverSwitch();
        var control = new RecordControl();
        var progress = new LatestProgress();
        var rig = new RigSpec("so101_follower", arm.RobotOptions, "so101_leader", leaderOptions);
        // Lenient deadlines: a loaded 2-core test machine must not trip the watchdog; max step is what is under test.
        var options = new RolloutOptions { Fps = 30, MaxStep = MaxStep, WatchdogMs = 500, HardMissPeriods = 60, MaxConsecutiveMisses = 20 };
        var recording = new RecordOptions { Root = root, Episodes = 1, EpisodeTimeS = 60, ResetTimeS = 0, Task = "takeover test" };
        RolloutResult? result = null;
        Exception? failure = null;
        var run = new Thread(() =>
        {
            try { result = RobotRollout.Run(arm.Session, [checkpoint], rig, options, recording, takeover, control, recordProgress: progress); }
            catch (Exception e) { failure = e; }
        });
        run.Start();
        dynamic LeaderPan() => leaderBus.Servos[1];
        bool LeaderTorque(bool on) => ((System.Collections.IEnumerable)leaderBus.Servos.Servos).Cast<dynamic>().All(s => (bool)s.TorqueEnabled == on);
        try
        {
            Eventually.WaitFor(() => failure is not null || progress.Value is { Frames: > 30 }, TimeSpan.FromSeconds(60), () => $"the rollout never recorded: {failure}");
            Assert.Null(failure);
            int target;
            if (leaderMirrors)
            {
                // The policy drives; the leader holds torque and follows the follower's goals.
                Assert.True(LeaderTorque(on: true), "the leader's torque is not on while the policy drives");
                Eventually.WaitFor(() => Math.Abs((int)LeaderPan().PresentPosition - (int)arm.Servo(1).PresentPosition) < 3 * StepsPerDegree, TimeSpan.FromSeconds(10),
                    () => $"the leader does not mirror the follower: leader pan {LeaderPan().PresentPosition}, follower pan {arm.Servo(1).PresentPosition}");
                // Takeover: the leader goes limp where it is, and the person moves it 35° away.
                takeover.Request(true);
                Eventually.WaitFor(() => LeaderTorque(on: false), TimeSpan.FromSeconds(5), () => "the leader's torque did not go off at takeover");
                target = (int)LeaderPan().PresentPosition + (int)(35 * StepsPerDegree);
                LeaderPan().MoveByHand(target);
            }
            else
            {
                // A limp leader 35° away from the follower when the person takes over: the follower must ramp, not jump.
                Assert.True(LeaderTorque(on: false), "a leader with mirror=false turned torque on");
                target = (int)arm.Servo(1).PresentPosition + (int)(35 * StepsPerDegree);
                LeaderPan().MoveByHand(target);
                takeover.Request(true);
            }
            Eventually.WaitFor(() => Math.Abs((int)arm.Servo(1).PresentPosition - target) < 2 * StepsPerDegree, TimeSpan.FromSeconds(10),
                () => $"the follower did not follow the leader: pan {arm.Servo(1).PresentPosition}, leader at {target}");
            // The person holds the leader there for a moment before handing back.
            var reached = progress.Value!.Frames;
            Eventually.WaitFor(() => progress.Value!.Frames > reached + 20, TimeSpan.FromSeconds(20), () => "the loop stopped during the takeover");
            var framesAtHandback = progress.Value!.Frames;

            // Hand back: the policy drives again and the leader mirrors again.
            takeover.Request(false);
            if (leaderMirrors) Eventually.WaitFor(() => LeaderTorque(on: true), TimeSpan.FromSeconds(5), () => "the leader did not take torque again at hand-back");
            Eventually.WaitFor(() => progress.Value!.Frames > framesAtHandback + 30, TimeSpan.FromSeconds(20), () => "the policy did not drive after the hand-back");
            control.RequestStop();
            Assert.True(run.Join(TimeSpan.FromSeconds(60)), "the rollout did not stop on q");
        }
        finally
        {
            control.RequestStop();
            run.Join(TimeSpan.FromSeconds(60));
        }
        Assert.Null(failure);
        Assert.NotNull(result);
        var outcome = result!;
        Assert.True(arm.AllTorqueOff, "follower torque still on after the rollout");
        Assert.True(LeaderTorque(on: false), "leader torque still on after the rollout");
        Assert.Equal(1, outcome.Takeovers);
        Assert.True(outcome.HandoverMaxStep <= MaxStep + 0.1f, $"a goal {outcome.HandoverMaxStep:F2}° from the present position was sent after a handover; max step {MaxStep}");

        using var reader = arm.Session.Catalog.DatasetFormatFor(root).Open(root);
        var episode = Assert.Single(reader.Episodes);
        var frames = Enumerable.Range(0, (int)episode.Length).Select(i => reader.GetFrame(episode.FromIndex + i, withImages: false).Values).ToList();
        var sources = frames.Select(f => (FrameSource)(int)f[FeatureKeys.Source][0]).ToList();
        var interventions = frames.Select(f => f[FeatureKeys.Intervention][0] != 0).ToList();
        Assert.Equal(FeatureKeys.Intervention, reader.Schema[FeatureKeys.Intervention].Key);
        Assert.Equal("bool", reader.Schema[FeatureKeys.Intervention].DType);
        Assert.Equal("int64", reader.Schema[FeatureKeys.Source].DType);
        // policy … policy, takeover … takeover, policy … policy: exactly one stretch driven by the person, flagged as an intervention.
        var runs = sources.Zip(sources.Skip(1)).Count(p => p.First != p.Second);
        Assert.Equal(2, runs);
        Assert.Equal(FrameSource.Policy, sources[0]);
        Assert.Equal(FrameSource.Policy, sources[^1]);
        Assert.Equal(outcome.TakeoverTicks, sources.LongCount(s => s == FrameSource.Takeover));
        Assert.True(outcome.TakeoverTicks > 10, $"only {outcome.TakeoverTicks} takeover frames");
        Assert.All(sources.Zip(interventions), p => Assert.Equal(p.First == FrameSource.Takeover, p.Second));

        // The follower's own readings, tick to tick: no jump at either handover, and the 35° move was a ramp at the max step.
        var pan = frames.Select(f => f[FeatureKeys.State][0]).ToList();
        var steps = pan.Zip(pan.Skip(1), (a, b) => Math.Abs(b - a)).ToList();
        var handovers = Enumerable.Range(1, sources.Count - 1).Where(i => sources[i] != sources[i - 1]).ToList();
        var atHandover = handovers.SelectMany(h => steps.Skip(h - 1).Take(60)).Max();
        // + one degree: the servo moves on between the bus read and the goal write of a tick.
        Assert.True(steps.Max() <= MaxStep + 1f, $"the follower moved {steps.Max():F2}° in one tick; max step {MaxStep} (largest after a handover {atHandover:F2})");
        Assert.True(atHandover >= MaxStep - 1.5f, $"the takeover did not ramp at the max step (largest step after a handover {atHandover:F2}°)");
        // What was sent (the action column) never left the present position by more than the max step.
        var sentSteps = frames.Select(f => Math.Abs(f[FeatureKeys.Action][0] - f[FeatureKeys.State][0])).ToList();
        Assert.True(sentSteps.Max() <= MaxStep + 0.1f, $"a goal {sentSteps.Max():F2}° from the present position was sent; max step {MaxStep}");
        Console.WriteLine($"takeover (leader mirrors: {leaderMirrors}): {outcome.Summary()}; follower's largest tick step {steps.Max():F2}° (after a handover {atHandover:F2}°), max step {MaxStep}");
    }
}
