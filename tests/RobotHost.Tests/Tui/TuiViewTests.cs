using System.Diagnostics;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

namespace RobotHost.Tests.Tui;

/// <summary>The operator window on Terminal.Gui's virtual ANSI driver at 80×24, on the real simulated rig plugins.</summary>
public sealed class TuiViewTests
{
    private static (HostSession Session, RigController Rig) Rig(string home, int episodes, double episodeTime) 
    {
        var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(home), PluginDirectories = [RepoPaths.PluginDirectory], IncludeDefaultPluginDirectories = false,
        });
        var rig = new RigController(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front"],
            CameraOptions = [new Dictionary<string, string> { ["width"] = "64", ["height"] = "48" }],
            Root = Path.Combine(home, "ds"), Episodes = episodes, EpisodeTimeS = episodeTime, ResetTimeS = 0,
        });
        return (session, rig);
    }

    private static string Screen(IApplication app)
    {
        app.LayoutAndDraw(true);
        return app.Driver!.ToString()!;
    }

    [Fact]
    public void Rig_and_record_panels_show_joint_names_and_episode_counter_in_80x24_and_space_is_an_estop()
    {
        var home = RepoPaths.NewTempDirectory("tui-view");
        var (session, rig) = Rig(home, episodes: 3, episodeTime: 30);
        using var _ = session;
        using var __ = rig;
        using var app = Application.Create(new VirtualTimeProvider());
        app.Init(DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(80, 24);
        using var learn = new LearnController(session, new LearnSettings { DatasetRoot = rig.Options.Root, RunsDirectory = Path.Combine(home, "runs") });
        var window = TuiApp.Attach(app, rig, learn, new LogRingSink());
        app.Begin(window);
        var screen = Screen(app);
        foreach (var joint in new[] { "shoulder_pan", "elbow_flex", "gripper" }) Assert.Contains(joint, screen);
        Assert.Contains("episode - of 3", screen);
        Assert.Contains("Sim.SO101", screen);

        app.InjectKey(Key.G);
        Assert.True(rig.IsRecording);
        var sw = Stopwatch.StartNew();
        while (rig.Progress is not { Phase: RecordPhase.Recording, Frames: > 3 } && sw.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(50);
        Assert.True(rig.Progress is { Phase: RecordPhase.Recording }, $"recording did not start: {rig.LastOutcome}");
        Assert.True(rig.Robot.IsConnected);
        window.Refresh();
        screen = Screen(app);
        Assert.Contains("episode 1 of 3", screen);
        Assert.Contains("phase recording", screen);

        // E-stop from the keyboard: torque is off when the key handler returns, before any further loop tick.
        app.InjectKey(Key.Space);
        Assert.False(rig.Robot.IsConnected);
        Assert.True(rig.EStopped);
        screen = Screen(app);
        Assert.Contains("E-STOP: torque off", screen);
        Assert.True(rig.WaitForRecording(TimeSpan.FromSeconds(30)), "the recorder did not stop after the e-stop");
        Assert.False(rig.IsRecording);
        Assert.False(rig.Robot.IsConnected);
    }

    [Fact]
    public void Tui_recording_on_the_sim_rig_ends_episodes_when_the_task_is_done_and_records_success()
    {
        // The wrappers that feed the screen must not hide the sim robot's task feedback from the recorder.
        var home = RepoPaths.NewTempDirectory("tui-feedback");
        var (session, rig) = Rig(home, episodes: 1, episodeTime: 30);
        using var _ = session;
        using var __ = rig;
        Assert.IsAssignableFrom<RobotHost.Sdk.ITaskFeedback>(rig.Robot);
        Assert.False(ObservedRobot.Wrap(new PlainRobot()) is RobotHost.Sdk.ITaskFeedback);
        Assert.True(rig.StartRecording());
        Assert.True(rig.WaitForRecording(TimeSpan.FromSeconds(90)), "recording did not end");
        Assert.StartsWith("completed", rig.LastOutcome);
        var frames = rig.Progress!.TotalFrames;
        Assert.True(frames is > 30 and < 30 * 30, $"{frames} frames: the episode should end when the expert is done, well before 30 s");
    }

    private sealed class PlainRobot : RobotHost.Sdk.IRobot
    {
        public string RobotType => "plain";
        public RobotHost.Sdk.FeatureSpec StateFeature => RobotHost.Sdk.FeatureSpec.Vector(RobotHost.Sdk.FeatureKeys.State, ["a.pos"]);
        public RobotHost.Sdk.FeatureSpec ActionFeature => RobotHost.Sdk.FeatureSpec.Vector(RobotHost.Sdk.FeatureKeys.Action, ["a.pos"]);
        public bool IsConnected => false;
        public void Connect(bool calibrate = false) { }
        public RobotHost.Sdk.Observation GetObservation() => new() { Values = new Dictionary<string, float> { ["a.pos"] = 0 } };
        public RobotHost.Sdk.RobotAction SendAction(RobotHost.Sdk.RobotAction action) => action;
        public void Disconnect() { }
        public void Dispose() { }
    }

    [Fact]
    public void Joint_bar_marks_the_position_within_limits()
    {
        Assert.Equal("┃····", JointLimits.Bar(-110, -110, 110, 5));
        Assert.Equal("██┃··", JointLimits.Bar(0, -110, 110, 5));
        Assert.Equal("████┃", JointLimits.Bar(500, -110, 110, 5));
        var limits = new JointLimits(FeatureSpec.Vector("observation.state", ["a.pos", "gripper.pos"]).WithLimits([-110, 0], [110, 100]));
        Assert.Equal((0f, 100f), limits.RangeOf("gripper.pos", 500));
        var learned = new JointLimits(FeatureSpec.Vector("observation.state", ["x"]));
        Assert.Equal((-1f, 3f), learned.RangeOf("x", 3));
    }
}
