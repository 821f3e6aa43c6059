using RobotHost.Recording;
using RobotHost.Tests.Rollout;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

namespace RobotHost.Tests.Tui;

/// <summary>A policy run with takeover from the operator window (virtual ANSI driver, 80×24) on the simulated rig, with a real trained checkpoint.</summary>
public sealed class TuiTakeoverTests
{
    [Fact]
    public void F6_runs_the_checkpoint_t_hands_over_to_the_teleoperator_and_back_the_counter_shows_takeover_frames_and_space_stops_it()
    {
        var home = RepoPaths.NewTempDirectory("tui-takeover");
        using var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(home), PluginDirectories = [RepoPaths.PluginDirectory], IncludeDefaultPluginDirectories = false,
        });
        var checkpoint = StateOnlyMlp.Train(session, home);
        using var rig = new RigController(session, new RecordOptions
        {
            // The run is recorded in episodes of this plan: one long enough to outlast the test.
            RobotKey = "sim_so101", TeleopKey = "sim_expert", Root = Path.Combine(home, "ds"), Episodes = 1, EpisodeTimeS = 120, ResetTimeS = 0,
        });
        using var learn = new LearnController(session, new LearnSettings { DatasetRoot = rig.Options.Root, RunsDirectory = Path.Combine(home, "runs"), Checkpoint = checkpoint });
        using var app = Application.Create(new VirtualTimeProvider());
        app.Init(DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(80, 24);
        var window = TuiApp.Attach(app, rig, learn, new LogRingSink());
        app.Begin(window);
        string Screen()
        {
            window.Refresh();
            app.LayoutAndDraw(true);
            return app.Driver!.ToString()!;
        }

        app.InjectKey(Key.F6);
        Assert.True(rig.IsRunningPolicy, $"F6 did not start a policy run: {rig.LastOutcome}");
        Eventually.WaitFor(() => rig.RolloutProgress is { Tick: > 10 } || !rig.IsRunningPolicy, TimeSpan.FromSeconds(60), () => $"the policy never drove: {rig.LastOutcome}");
        Assert.True(rig.IsRunningPolicy, $"the policy run ended early: {rig.LastOutcome}");
        Assert.Contains("policy drives", Screen());

        app.InjectKey(Key.T);
        Assert.True(rig.Takeover.Requested);
        Eventually.WaitFor(() => rig.RolloutProgress is { InTakeover: true, TakeoverTicks: > 10 }, TimeSpan.FromSeconds(30), () => $"no takeover frames: {rig.RolloutProgress}");
        var screen = Screen();
        Assert.Contains("TAKEOVER", screen);
        Assert.Contains("run: PERSON drives, takeovers 1", screen);
        Assert.Matches(@"takeover frames [1-9]\d", screen);

        app.InjectKey(Key.T);
        Assert.False(rig.Takeover.Requested);
        Eventually.WaitFor(() => rig.RolloutProgress is { InTakeover: false }, TimeSpan.FromSeconds(30), () => "the policy did not drive again after the second t");

        // E-stop: torque off when the key handler returns; the run ends and its counts stay on screen.
        app.InjectKey(Key.Space);
        Assert.False(rig.Robot.IsConnected);
        Assert.True(rig.EStopped);
        Assert.True(rig.WaitForPolicyRun(TimeSpan.FromSeconds(30)), "the policy run did not end after the e-stop");
        Assert.False(rig.IsRunningPolicy);
        Assert.False(rig.Robot.IsConnected);
        Assert.Equal(1, rig.RolloutProgress!.Takeovers);
        Assert.True(rig.RolloutProgress.TakeoverTicks > 10);
        Assert.Contains("takeover frames", Screen());
    }
}
