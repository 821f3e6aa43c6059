using RobotHost.Control;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Recording;

/// <summary>The recorder's loop, episode bookkeeping and exit paths, on test doubles (the real plugins: RecordRoundTripTests).</summary>
public sealed class RecorderTests
{
    private static RecordOptions Options(string root = "/tmp/rh-fake", int episodes = 3, double episodeTime = 1.0, int fps = 20) => new()
    {
        Root = root, Episodes = episodes, EpisodeTimeS = episodeTime, ResetTimeS = 5, Fps = fps, Realtime = false, Seed = 100, Task = "pick the cube", ProgressInterval = TimeSpan.Zero,
    };

    private static (FakeRobot Robot, FakeTeleop Teleop, FakeCamera[] Cameras, Rig Rig) Rig(FakeRobot? robot = null)
    {
        robot ??= new FakeRobot();
        var teleop = new FakeTeleop();
        FakeCamera[] cameras = [new("front"), new("wrist", 4, 2)];
        return (robot, teleop, cameras, new Rig(robot, teleop, cameras));
    }

    [Fact]
    public void Records_every_episode_with_the_actions_the_robot_really_sent()
    {
        var (robot, teleop, cameras, rig) = Rig();
        var format = new MemoryDatasetFormat();
        var result = new Recorder().Record(rig, format, Options());

        var dataset = format["/tmp/rh-fake"];
        Assert.Equal(RecordStopReason.Completed, result.StopReason);
        Assert.Equal(3, dataset.Episodes.Count);
        Assert.All(dataset.Episodes, e => Assert.Equal(20, e.Frames.Count));
        Assert.All(dataset.Episodes, e => Assert.Equal("pick the cube", e.Task));
        Assert.Equal(60, result.Frames);
        Assert.Equal(0, result.DroppedFrames);

        // Schema: state, action and both cameras at their own sizes, at the session's rate.
        Assert.Equal(20, dataset.Schema.Fps);
        Assert.Equal("fake_arm", dataset.Schema.RobotType);
        Assert.Equal([6], dataset.Schema[FeatureKeys.Action].Shape);
        Assert.Equal([6, 8, 3], dataset.Schema[FeatureKeys.Image("front")].Shape);
        Assert.Equal([2, 4, 3], dataset.Schema[FeatureKeys.Image("wrist")].Shape);

        // The teleop ramps past the ±50 limit: the dataset holds the clamped action that was sent, not the request.
        var recorded = dataset.Episodes.SelectMany(e => e.Frames).ToList();
        Assert.Equal(robot.Sent.Count, recorded.Count);
        for (var i = 0; i < recorded.Count; i++)
        {
            Assert.Equal(robot.Sent[i], recorded[i].Values[FeatureKeys.Action]);
            Assert.Equal(robot.ObservedStates[i], recorded[i].Values[FeatureKeys.State]);
        }
        Assert.Contains(recorded, f => f.Values[FeatureKeys.Action][5] == 50f);

        // Every frame carries a new camera frame (the fake camera always has one).
        var fronts = recorded.Select(f => f.Images[FeatureKeys.Image("front")].Sequence).ToList();
        Assert.Equal(fronts.Distinct().Count(), fronts.Count);

        // Episode starts with seed = Seed + episode index, on every IEpisodeAware component.
        (int, int)[] expected = [(0, 100), (1, 101), (2, 102)];
        Assert.Equal(expected, robot.EpisodeStarts);
        Assert.Equal(expected, teleop.EpisodeStarts);
        Assert.All(cameras, c => Assert.Equal(expected, c.EpisodeStarts));
        Assert.Equal([0, 1, 2], result.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal([100, 101, 102], result.Episodes.Select(e => e.Seed));

        // Torque off and devices released at the end; the writer is closed.
        Assert.False(robot.IsConnected);
        Assert.Equal(1, robot.Disconnects);
        Assert.False(teleop.IsConnected);
        Assert.All(cameras, c => Assert.Equal(CameraHealth.Disconnected, c.Health));
        Assert.Equal(1, dataset.WriterDisposals);
    }

    [Fact]
    public void A_simulated_task_that_is_done_ends_its_episode_and_writes_reward_and_success()
    {
        var robot = new FakeSimRobot { StepsToSuccess = 7 };
        var (_, _, _, rig) = Rig(robot);
        var format = new MemoryDatasetFormat();
        var result = new Recorder().Record(rig, format, Options(episodes: 2, episodeTime: 10));

        var dataset = format["/tmp/rh-fake"];
        Assert.All(dataset.Episodes, e => Assert.Equal(7, e.Frames.Count));
        Assert.All(result.Episodes, e => Assert.Equal("done", e.EndedBy));
        Assert.All(result.Episodes, e => Assert.True(e.Success));
        var last = dataset.Episodes[0].Frames[^1];
        Assert.Equal([1f], last.Values[FeatureKeys.Success]);
        Assert.Equal([1f], last.Values[FeatureKeys.Reward]);
        Assert.Equal([0f], dataset.Episodes[0].Frames[0].Values[FeatureKeys.Success]);
        Assert.Contains(dataset.Schema.Features, f => f.Key == FeatureKeys.Reward);
    }

    [Fact]
    public void Resume_continues_numbering_and_seeds()
    {
        var format = new MemoryDatasetFormat();
        new Recorder().Record(Rig().Rig, format, Options(episodes: 2));
        var (robot, _, _, rig) = Rig();
        var result = new Recorder().Record(rig, format, Options(episodes: 2) with { Resume = true });

        Assert.Equal(4, format["/tmp/rh-fake"].Episodes.Count);
        Assert.Equal([2, 3], result.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal([(2, 102), (3, 103)], robot.EpisodeStarts);
        Assert.Equal(4, result.DatasetEpisodes);
    }

    [Fact]
    public void An_existing_dataset_without_resume_and_resume_without_dataset_are_clear_errors()
    {
        var format = new MemoryDatasetFormat();
        new Recorder().Record(Rig().Rig, format, Options(episodes: 1));
        var (robot, _, _, rig) = Rig();
        var exists = Assert.Throws<RobotHostException>(() => new Recorder().Record(rig, format, Options(episodes: 1)));
        Assert.Contains("--resume", exists.Message);
        var missing = Assert.Throws<RobotHostException>(() => new Recorder().Record(rig, format, Options("/tmp/rh-nothing-here", 1) with { Resume = true }));
        Assert.Contains("no dataset", missing.Message);
        Assert.False(robot.IsConnected);
    }

    [Fact]
    public void Operator_keys_end_rerecord_and_stop()
    {
        var (robot, _, _, rig) = Rig();
        var format = new MemoryDatasetFormat();
        // Requests scripted by tick: → at tick 5 of episode 0, ← at tick 3 of episode 1 (dropped and recorded again), stop at tick 4.
        var control = new ScriptedControl(new Dictionary<int, RecordRequest> { [5] = RecordRequest.NextEpisode, [9] = RecordRequest.Rerecord, [33] = RecordRequest.Stop });
        var result = new Recorder().Record(rig, format, Options(episodes: 5, episodeTime: 1), control);

        var dataset = format["/tmp/rh-fake"];
        Assert.Equal(RecordStopReason.Stopped, result.StopReason);
        Assert.Equal(1, result.Rerecorded);
        Assert.Equal(1, dataset.Discards);
        // Episode 0: 4 frames (→ on the 5th tick); the re-recorded episode 1: 20 frames; episode 2 stopped after 3 frames, and saved.
        Assert.Equal([4, 20, 3], dataset.Episodes.Select(e => e.Frames.Count));
        Assert.Equal([(0, 100), (1, 101), (1, 101), (2, 102)], robot.EpisodeStarts);
        Assert.False(robot.IsConnected);
    }

    [Fact]
    public void Cancelling_keeps_saved_episodes_drops_the_open_one_and_turns_torque_off()
    {
        using var cancel = new CancellationTokenSource();
        var (robot, _, _, rig) = Rig();
        var format = new MemoryDatasetFormat();
        var progress = new SyncProgress(p =>
        {
            // Episodes 0 and 1 are closed (their saves may still be running: saves overlap the next episode); cancel inside episode 2.
            if (p is { Phase: RecordPhase.Recording, EpisodeIndex: 2, Frames: > 5 }) cancel.Cancel();
        });
        var result = new Recorder().Record(rig, format, Options(episodes: 5, episodeTime: 5), progress: progress, cancel: cancel.Token);

        Assert.Equal(RecordStopReason.Cancelled, result.StopReason);
        var dataset = format["/tmp/rh-fake"];
        Assert.Equal(2, dataset.Episodes.Count);
        Assert.Equal(1, dataset.Discards);
        Assert.False(robot.IsConnected);
        Assert.Equal(1, robot.Disconnects);
        Assert.Equal(1, dataset.WriterDisposals);
    }

    [Fact]
    public void A_device_error_mid_episode_turns_torque_off_and_keeps_saved_episodes()
    {
        var robot = new FakeRobot { ThrowOnObservation = 30 };
        var (_, _, _, rig) = Rig(robot);
        var format = new MemoryDatasetFormat();
        var error = Assert.Throws<IOException>(() => new Recorder().Record(rig, format, Options(episodes: 3)));
        Assert.Contains("servo 3", error.Message);
        Assert.False(robot.IsConnected);
        var dataset = format["/tmp/rh-fake"];
        Assert.Single(dataset.Episodes);
        Assert.Equal(1, dataset.Discards);
        Assert.Equal(1, dataset.WriterDisposals);
    }

    [Fact]
    public void A_failing_save_is_a_clear_error_and_torque_goes_off()
    {
        var (robot, _, _, rig) = Rig();
        var format = new MemoryDatasetFormat { FailSave = i => i == 1 };
        var error = Assert.Throws<RobotHostException>(() => new Recorder().Record(rig, format, Options(episodes: 3)));
        Assert.Contains("disk full", error.Message);
        Assert.False(robot.IsConnected);
        Assert.Single(format["/tmp/rh-fake"].Episodes);
    }

    [Fact]
    public void A_writer_that_cannot_keep_up_drops_frames_and_reports_them()
    {
        var (robot, _, _, rig) = Rig();
        using var gate = new SemaphoreSlim(0);
        var format = new MemoryDatasetFormat { FrameGate = gate };
        var reported = new List<RecordProgress>();
        var progress = new SyncProgress(p =>
        {
            reported.Add(p);
            // Free the writer once the loop is done so the session can save.
            if (p.Phase == RecordPhase.Saving) gate.Release(1000);
        });
        // In real time (100 Hz, 40 ticks) the loop never waits for the writer.
        var result = new Recorder().Record(rig, format, Options(episodes: 1, episodeTime: 0.4, fps: 100) with { QueueCapacity = 4, Realtime = true }, progress: progress);

        // The writer is stuck on the first frame: 4 frames in flight, the rest dropped and counted.
        Assert.Equal(40, robot.Sent.Count);
        Assert.True(result.DroppedFrames >= 35, $"dropped {result.DroppedFrames}");
        Assert.Equal(4, result.MaxQueueDepth);
        Assert.Equal(result.DroppedFrames, result.Episodes[0].DroppedFrames);
        Assert.Equal(40 - result.DroppedFrames, format["/tmp/rh-fake"].Episodes[0].Frames.Count);
        Assert.Equal(40 - result.DroppedFrames, result.Episodes[0].Frames);
        Assert.Contains(reported, p => p.DroppedFrames > 0);
        Assert.Contains("dropped frames", result.Summary());
    }

    [Fact]
    public void The_default_queue_covers_a_save_between_episodes_within_a_memory_budget()
    {
        var options = new RecordOptions { Root = "/tmp/x", RobotKey = "r", TeleopKey = "t" };
        // Two 640×480 cameras: more than the ~2 s a save takes on a loaded machine, under 256 MB.
        var vga = 640L * 480 * 3 * 2;
        var frames = options.QueueCapacityAt(30, vga);
        Assert.True(frames / 30.0 >= 4 && frames * vga <= 256L << 20, $"{frames} frames");
        // Training-size cameras: ten seconds; no cameras: two seconds; an explicit size wins.
        Assert.Equal(300, options.QueueCapacityAt(30, 96L * 96 * 3 * 2));
        Assert.Equal(60, options.QueueCapacityAt(30));
        Assert.Equal(4, (options with { QueueCapacity = 4 }).QueueCapacityAt(30, vga));
    }

    [Fact]
    public void Without_real_time_a_slow_writer_slows_the_loop_instead_of_losing_frames()
    {
        var (robot, _, _, rig) = Rig();
        var format = new MemoryDatasetFormat { FrameDelay = TimeSpan.FromMilliseconds(1) };
        var result = new Recorder().Record(rig, format, Options(episodes: 2, episodeTime: 3) with { QueueCapacity = 4 });

        Assert.Equal(0, result.DroppedFrames);
        Assert.Equal([60, 60], format["/tmp/rh-fake"].Episodes.Select(e => e.Frames.Count));
        Assert.Equal(robot.Sent, format["/tmp/rh-fake"].Episodes.SelectMany(e => e.Frames).Select(f => f.Values[FeatureKeys.Action]));
        Assert.True(result.MaxQueueDepth <= 4);
    }

    [Fact]
    public void Gym_mode_records_the_scripted_expert_from_reset_seeds()
    {
        using var environment = new FakeEnvironment();
        var format = new MemoryDatasetFormat();
        var result = new Recorder().Record(environment, format, new RecordOptions { Root = "/tmp/rh-env", Episodes = 3, EpisodeTimeS = 100, Seed = 7 });

        var dataset = format["/tmp/rh-env"];
        Assert.Equal([7, 8, 9], environment.ResetSeeds);
        Assert.Equal(10, dataset.Schema.Fps);
        Assert.Equal("fake_reach", dataset.Schema.RobotType);
        Assert.Equal([4, 4, 3], dataset.Schema[FeatureKeys.Image("top")].Shape);
        var frames = dataset.Episodes.SelectMany(e => e.Frames).ToList();
        Assert.Equal(environment.Actions.Count, frames.Count);
        for (var i = 0; i < frames.Count; i++) Assert.Equal(environment.Actions[i], frames[i].Values[FeatureKeys.Action]);
        // Each episode ends when the expert reaches its goal (done), before the step limit.
        Assert.All(result.Episodes, e => Assert.Equal("done", e.EndedBy));
        Assert.All(dataset.Episodes, e => Assert.Equal(1f, e.Frames[^1].Values[FeatureKeys.Success][0]));
        Assert.All(dataset.Episodes, e => Assert.Equal("fake_reach", e.Task));
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        var (robot, _, _, rig) = Rig();
        var error = Assert.Throws<RobotHostException>(() => new Recorder().Record(rig, new MemoryDatasetFormat(), Options() with { Episodes = 0, EpisodeTimeS = -1 }));
        Assert.Contains("--episodes", error.Message);
        Assert.Contains("--episode-time", error.Message);
        Assert.False(robot.IsConnected);
    }

    /// <summary>Requests by global tick number (ticks counted across episodes, from 1).</summary>
    private sealed class ScriptedControl(Dictionary<int, RecordRequest> byTick) : IRecordControl
    {
        private int _tick;
        public RecordRequest Take() => byTick.TryGetValue(++_tick, out var r) ? r : RecordRequest.None;
    }

    /// <summary>Progress delivered on the recording thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<RecordProgress> onReport) : IProgress<RecordProgress>
    {
        public void Report(RecordProgress value) => onReport(value);
    }
}
