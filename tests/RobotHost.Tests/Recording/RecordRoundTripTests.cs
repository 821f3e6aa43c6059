using RobotHost.Control;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Recording;

/// <summary>
/// Recording on the real simulated rig (Sim.SO101) into real LeRobot v3.0 files (Datasets.LeRobot), both loaded by the real
/// plugin host from artifacts/bin/plugins, then read back with the lerobot reader.
/// </summary>
public sealed class RecordRoundTripTests
{
    private static HostSession Session(string home) => PluginSession.Start(home);

    private static readonly Dictionary<string, string> SmallCamera = new() { ["width"] = "96", ["height"] = "72" };

    [Fact]
    public void Sim_with_two_cameras_reads_back_frame_for_frame()
    {
        var home = RepoPaths.NewTempDirectory("rec-home");
        var root = Path.Combine(home, "pick");
        using var session = Session(home);
        using var robot = new SpyRobot(session.Catalog.CreateRobot("sim_so101"));
        using var teleop = session.Catalog.CreateTeleoperator("sim_expert");
        using var front = session.Catalog.CreateCamera("sim_front", SmallCamera);
        using var wrist = session.Catalog.CreateCamera("sim_wrist", SmallCamera);
        var format = session.Catalog.DatasetFormat("lerobot");
        var options = new RecordOptions { Root = root, Episodes = 3, EpisodeTimeS = 1.5, Fps = 30, Realtime = false, Seed = 5, Task = "put the cube in the bin" };

        var result = new Recorder().Record(new Rig(robot, teleop, [front, wrist]), format, options);

        Assert.Equal(RecordStopReason.Completed, result.StopReason);
        Assert.Equal(0, result.DroppedFrames);
        Assert.Equal([45, 45, 45], result.Episodes.Select(e => e.Frames));
        Assert.Equal(1, robot.Disconnects);
        Assert.False(robot.IsConnected);

        using var reader = format.Open(root);
        Assert.Equal(3, reader.Episodes.Count);
        Assert.Equal(135, reader.TotalFrames);
        Assert.Equal([45, 45, 45], reader.Episodes.Select(e => e.Length));
        Assert.Equal([0L, 45, 90], reader.Episodes.Select(e => e.FromIndex));
        Assert.All(reader.Episodes, e => Assert.Equal(["put the cube in the bin"], e.Tasks));
        Assert.Equal(30, reader.Schema.Fps);
        Assert.Equal("sim_so101", reader.Schema.RobotType);
        Assert.Equal([6], reader.Schema[FeatureKeys.Action].Shape);
        Assert.Equal(robot.ActionFeature.Names, reader.Schema[FeatureKeys.Action].Names);
        Assert.Equal([6], reader.Schema[FeatureKeys.State].Shape);
        Assert.Equal([72, 96, 3], reader.Schema[FeatureKeys.Image("front")].Shape);
        Assert.Equal([72, 96, 3], reader.Schema[FeatureKeys.Image("wrist")].Shape);
        Assert.Contains(reader.Schema.Features, f => f.Key == FeatureKeys.Reward);
        Assert.Contains(reader.Schema.Features, f => f.Key == FeatureKeys.Success);

        // Every row holds exactly what the robot reported: the state it observed and the action it really sent.
        Assert.Equal(135, robot.Sent.Count);
        for (var i = 0; i < 135; i++)
        {
            var frame = reader.GetFrame(i, withImages: false);
            Assert.Equal(robot.Sent[i], frame.Values[FeatureKeys.Action]);
            Assert.Equal(robot.Observed[i], frame.Values[FeatureKeys.State]);
            Assert.Equal(i / 45, frame.EpisodeIndex);
            Assert.Equal(i % 45, frame.FrameIndex);
        }

        // Both cameras decode at every episode's edges, at the recorded size.
        foreach (var index in new long[] { 0, 44, 45, 134 })
        {
            var frame = reader.GetFrame(index);
            foreach (var key in new[] { FeatureKeys.Image("front"), FeatureKeys.Image("wrist") })
            {
                var image = frame.Images[key];
                Assert.Equal((96, 72), (image.Width, image.Height));
                Assert.True(image.IsWellFormed);
            }
        }
    }

    [Fact]
    public void Resume_through_the_session_continues_numbering_in_the_same_files()
    {
        var home = RepoPaths.NewTempDirectory("rec-home");
        var root = Path.Combine(home, "resume");
        using var session = Session(home);
        var options = new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front"], CameraOptions = [SmallCamera],
            Root = root, Episodes = 2, EpisodeTimeS = 0.5, Realtime = false,
        };
        new Recorder().Record(session, options);
        var exists = Assert.Throws<RobotHostException>(() => new Recorder().Record(session, options));
        Assert.Contains("--resume", exists.Message);
        var resumed = new Recorder().Record(session, options with { Resume = true, Seed = 0 });

        Assert.Equal([2, 3], resumed.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal([2, 3], resumed.Episodes.Select(e => e.Seed));
        using var reader = session.Catalog.DatasetFormat("lerobot").Open(root);
        Assert.Equal(4, reader.Episodes.Count);
        Assert.Equal([0, 1, 2, 3], reader.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal(60, reader.TotalFrames);
        Assert.Equal(3, reader.GetFrame(59, withImages: false).EpisodeIndex);

        // A session with other cameras cannot append to it.
        var mismatch = Assert.Throws<RobotHostException>(() => new Recorder().Record(session, options with { Resume = true, CameraKeys = ["sim_front", "sim_wrist"], CameraOptions = [SmallCamera, SmallCamera] }));
        Assert.Contains("observation.images.wrist", mismatch.Message);
    }

    [Fact]
    public void Gym_mode_records_obstacle_2d_with_its_expert()
    {
        var home = RepoPaths.NewTempDirectory("rec-home");
        var root = Path.Combine(home, "obstacle");
        using var session = Session(home);
        var result = new Recorder().Record(session, new RecordOptions { EnvironmentKey = "obstacle_2d", EnvironmentOptions = new Dictionary<string, string> { ["cameras"] = "top" }, Root = root, Episodes = 4, EpisodeTimeS = 60, Seed = 0 });

        Assert.Equal(4, result.Episodes.Count);
        Assert.All(result.Episodes, e => Assert.Equal("done", e.EndedBy));
        Assert.All(result.Episodes, e => Assert.True(e.Success));
        using var reader = session.Catalog.DatasetFormat("lerobot").Open(root);
        Assert.Equal(result.Episodes.Select(e => e.Frames), reader.Episodes.Select(e => e.Length));
        Assert.Equal("obstacle_2d", reader.Schema.RobotType);
        Assert.Equal([1], reader.Schema[FeatureKeys.Action].Shape);   // the steering rate
        Assert.Equal([96, 96, 3], reader.Schema[FeatureKeys.Image("top")].Shape);
        Assert.True(reader.GetFrame(reader.TotalFrames - 1).Images[FeatureKeys.Image("top")].IsWellFormed);
        // The last frame of each episode is the one whose step succeeded.
        foreach (var episode in reader.Episodes)
        {
            var success = Enumerable.Range((int)episode.FromIndex, episode.Length).Select(i => reader.GetFrame(i, withImages: false).Values[FeatureKeys.Success][0]).ToArray();
            Assert.True(success[^1] == 1f && success[0] == 0f, $"episode {episode.EpisodeIndex} success column: {string.Join("", success)}");
        }
    }
}
