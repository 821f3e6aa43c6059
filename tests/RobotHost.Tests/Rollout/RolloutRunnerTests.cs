using System.Runtime.ExceptionServices;
using RobotHost.Rollout;
using RobotHost.Sdk;

namespace RobotHost.Tests.Rollout;

/// <summary>
/// The rollout loop driving a real so101_follower on a virtual STS3215 arm over a pseudo-terminal: what the servos
/// received and their torque registers are the evidence.
/// </summary>
public sealed class RolloutRunnerTests
{
    // STS3215: 4096 steps per turn (docs/sts3215.md), so one degree is 4096/360 steps.
    private const double StepsPerDegree = 4096 / 360.0;

    [Fact]
    public void A_big_jump_is_limited_to_max_step_per_tick_at_the_servo()
    {
        using var arm = new VirtualFollower("jump");
        var pan = arm.Servo(1);
        var seen = new List<(int Present, int Goal)>();
        float? target = null;
        var policy = new ScriptedPolicy(arm.Robot, (o, names) =>
        {
            lock (seen) seen.Add(((int)pan.PresentPosition, (int)pan.GoalPosition));
            target ??= o.Values["shoulder_pan.pos"] + 90; // a 90° jump, far beyond one tick
            var action = o.ToVector(names);
            action[0] = target.Value;
            return action;
        });
        var runner = new RolloutRunner(arm.Robot, [], policy, new RolloutOptions { Fps = 30, DurationSeconds = 2.0, MaxStep = 5, WatchdogMs = 500, HardMissPeriods = 60, MaxConsecutiveMisses = 20, InferenceAhead = false }, arm.Log);

        var result = Finish(runner);

        Assert.Equal(RolloutStop.Completed, result.Stop);
        Assert.True(result.StepLimited > 0, $"no tick was step-limited: {result.Summary()}");
        Assert.True(seen.Count >= 3, $"only {seen.Count} ticks reached the policy");
        // The goal register read at tick k+1 is the goal sent at tick k, computed from the present position read at tick k.
        var steps = seen.Zip(seen.Skip(1), (a, b) => b.Goal - a.Present).ToList();
        var allowed = 5 * StepsPerDegree + 12; // + the servo's motion between the bus read and this look at it
        Assert.All(steps, s => Assert.True(s <= allowed, $"a goal {s} steps ({s / StepsPerDegree:F1}°) past the present position reached the servo; max step is 5° (steps: {string.Join(", ", steps)})"));
        Assert.Contains(steps, s => s > 2 * StepsPerDegree); // it did move towards the target, step by step (one tick can catch the servo mid-move)
        Assert.True(arm.AllTorqueOff, "torque still on after the rollout ended");
    }

    [Fact]
    public void Inference_one_tick_ahead_keeps_the_loop_on_time_with_a_network_slower_than_the_period()
    {
        RolloutResult Run(bool ahead)
        {
            using var arm = new VirtualFollower(ahead ? "ahead" : "sync");
            var policy = new ScriptedPolicy(arm.Robot, (o, names) =>
            {
                Thread.Sleep(45); // a network call longer than the 33 ms period of 30 Hz
                return o.ToVector(names);
            });
            var options = new RolloutOptions { Fps = 30, DurationSeconds = 1.5, WatchdogMs = 500, HardMissPeriods = 60, MaxConsecutiveMisses = 20, InferenceAhead = ahead };
            var result = Finish(new RolloutRunner(arm.Robot, [], policy, options, arm.Log));
            Assert.True(arm.AllTorqueOff);
            return result;
        }

        var sync = Run(ahead: false);
        var ahead = Run(ahead: true);

        // Waiting for the network in the tick overruns nearly every tick; running it one tick ahead, the tick only does bus I/O
        // (compared with each other: test classes run in parallel, and a loaded machine overruns some bus-only ticks too).
        Assert.True(sync.Loop.Overruns >= sync.Ticks / 2, $"sync: {sync.Summary()}");
        Assert.True(ahead.Loop.Overruns * 2 < sync.Loop.Overruns, $"ahead: {ahead.Summary()}; sync: {sync.Summary()}");
        // Every other tick gets a fresh action (45 ms spans two periods) and the ticks between hold; none is a missed deadline.
        Assert.True(ahead.PolicyActions >= ahead.Ticks / 3, $"ahead: {ahead.Summary()}");
        Assert.Equal(0, ahead.DeadlineMisses);
    }

    [Fact]
    public void A_policy_returning_NaN_makes_the_robot_hold()
    {
        using var arm = new VirtualFollower("nan");
        var before = arm.Servos.Select(s => (int)s.PresentPosition).ToArray();
        var torqueWasOn = false;
        var policy = new ScriptedPolicy(arm.Robot, (_, names) =>
        {
            torqueWasOn |= arm.AnyTorqueOn;
            return Enumerable.Repeat(float.NaN, names.Count).ToArray();
        });
        var runner = new RolloutRunner(arm.Robot, [], policy, new RolloutOptions { Fps = 30, DurationSeconds = 0.4, WatchdogMs = 500, HardMissPeriods = 60, MaxConsecutiveMisses = 20 }, arm.Log);

        var result = Finish(runner);

        Assert.True(torqueWasOn, "torque was never on: the hold was not tested");
        Assert.True(result.Ticks > 0);
        Assert.True(result.GarbageActions > 0); // every other tick, if any, held on a late inference (loaded machine)
        Assert.Equal(result.Ticks, result.Holds);
        Assert.Equal(0, result.PolicyActions);
        var servos = arm.Servos.ToList();
        for (var i = 0; i < servos.Count; i++)
        {
            Assert.True((int)servos[i].GoalWrites > 0, $"servo {i + 1} got no goal");
            var (min, max) = ((int, int))servos[i].GoalsWritten;
            Assert.True(Math.Abs(min - before[i]) <= 20 && Math.Abs(max - before[i]) <= 20, $"servo {i + 1} did not hold at {before[i]}: goals {min}..{max}");
        }
        Assert.True(arm.AllTorqueOff);
    }

    [Fact]
    public void A_slow_policy_trips_the_watchdog_and_torque_goes_off()
    {
        using var arm = new VirtualFollower("slow");
        var torqueWasOn = false;
        var policy = new ScriptedPolicy(arm.Robot, (o, names) =>
        {
            torqueWasOn |= arm.AnyTorqueOn;
            Thread.Sleep(400); // past the 60 ms deadline, and past 5 periods of 33 ms
            return o.ToVector(names);
        });
        var runner = new RolloutRunner(arm.Robot, [], policy, new RolloutOptions { Fps = 30, DurationSeconds = 10, WatchdogMs = 60 }, arm.Log);

        var error = Assert.Throws<RobotHostException>(() => Finish(runner));

        Assert.Contains("watchdog", error.Message);
        Assert.Contains("torque is off", error.Message);
        Assert.True(torqueWasOn, "torque was never on: the trip was not tested");
        Assert.True(arm.AllTorqueOff, "the watchdog tripped but a servo's torque is still on");
        Assert.False(arm.Robot.IsConnected);
    }

    [Fact]
    public void Cancellation_turns_torque_off()
    {
        using var arm = new VirtualFollower("cancel");
        var torqueWasOn = false;
        var calls = 0;
        using var cancel = new CancellationTokenSource();
        var policy = new ScriptedPolicy(arm.Robot, (o, names) =>
        {
            torqueWasOn |= arm.AnyTorqueOn;
            if (Interlocked.Increment(ref calls) == 6) cancel.Cancel(); // a script or Ctrl+C mid-rollout
            return o.ToVector(names);
        });
        var runner = new RolloutRunner(arm.Robot, [], policy, new RolloutOptions { Fps = 30, WatchdogMs = 500, HardMissPeriods = 60, MaxConsecutiveMisses = 20 }, arm.Log);

        var result = Finish(runner, cancel.Token);

        Assert.Equal(RolloutStop.Cancelled, result.Stop);
        Assert.True(result.Ticks > 0 && policy.Calls > 0);
        Assert.True(torqueWasOn);
        Assert.True(arm.AllTorqueOff, "cancelled, but a servo's torque is still on");
        Assert.True(result.Loop.Ticks >= 4 && result.Loop.PeriodMeanMs > 0, $"loop timing not measured: {result.Loop}");
    }

    [Fact]
    public void A_policy_for_other_joints_is_refused_before_the_robot_moves()
    {
        using var arm = new VirtualFollower("mismatch");
        var policy = new OtherJointsPolicy();
        var error = Assert.Throws<RobotHostException>(() => new RolloutRunner(arm.Robot, [], policy, new RolloutOptions(), arm.Log));
        Assert.Contains("elbow.pos", error.Message);
        Assert.True(arm.AllTorqueOff);
    }

    /// <summary>Runs the rollout on another thread so a hang fails the test instead of the run.</summary>
    private static RolloutResult Finish(RolloutRunner runner, CancellationToken cancel = default)
    {
        var task = Task.Run(() => runner.Run(null, cancel));
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(30))) Assert.Fail("the rollout did not end within 30 s");
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        return task.Result;
    }

    private sealed class OtherJointsPolicy : IPolicy
    {
        public PolicyInfo Info { get; } = new("other", [FeatureSpec.Vector(FeatureKeys.State, ["elbow.pos"])], FeatureSpec.Vector(FeatureKeys.Action, ["elbow.pos"]), 30);
        public void Reset() { }
        public float[] SelectAction(Observation observation) => [0];
        public void Dispose() { }
    }
}
