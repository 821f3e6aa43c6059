using System.Diagnostics;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

namespace RobotHost.Tests.Tui;

/// <summary>
/// The train/eval panel and the plugin rescan key on Terminal.Gui's virtual ANSI driver at 80×24, driving the host's real
/// trainer and evaluator with the real plugins (tiny: mlp/small, a few steps, one short rollout).
/// </summary>
public sealed class TuiLearnTests
{
    private sealed class Tui : IDisposable
    {
        public required HostSession Session { get; init; }
        public required RigController Rig { get; init; }
        public required LearnController Learn { get; init; }
        public required IApplication App { get; init; }
        public required RobotHostWindow Window { get; init; }

        public string Screen()
        {
            Window.Refresh();
            App.LayoutAndDraw(true);
            return App.Driver!.ToString()!;
        }

        public void Dispose()
        {
            Learn.Dispose();
            Rig.Dispose();
            App.Dispose();
            Session.Dispose();
        }
    }

    private static Tui Open(string home, LearnSettings settings, IReadOnlyList<string>? extraPluginDirs = null)
    {
        var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(home), PluginDirectories = [RepoPaths.PluginDirectory, .. extraPluginDirs ?? []], IncludeDefaultPluginDirectories = false,
        });
        var rig = new RigController(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", Root = Path.Combine(home, "ds"), Episodes = 1, EpisodeTimeS = 2, ResetTimeS = 0,
        });
        var learn = new LearnController(session, settings);
        var app = Application.Create(new VirtualTimeProvider());
        app.Init(DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(80, 24);
        var window = TuiApp.Attach(app, rig, learn, new LogRingSink());
        app.Begin(window);
        return new Tui { Session = session, Rig = rig, Learn = learn, App = app, Window = window };
    }

    /// <summary>A small pick_place dataset recorded by the scripted expert without real time (one camera, 48×32).</summary>
    private static string RecordDataset(string home)
    {
        var root = Path.Combine(home, "demo");
        using var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(home), PluginDirectories = [RepoPaths.PluginDirectory], IncludeDefaultPluginDirectories = false,
        });
        new Recorder(session.CreateLogger("test")).Record(session, new RecordOptions
        {
            EnvironmentKey = "pick_place", EnvironmentOptions = new Dictionary<string, string> { ["cameras"] = "front", ["image_width"] = "48", ["image_height"] = "32" },
            Root = root, Episodes = 1, EpisodeTimeS = 2, ResetTimeS = 0, Realtime = false,
        });
        return root;
    }

    /// <summary>Asserts the screen shows <paramref name="text"/>, printing the whole screen when not.</summary>
    private static void Shows(string screen, string text) => Assert.True(screen.Contains(text, StringComparison.Ordinal), $"'{text}' not on screen:\n{screen}");

    [Fact]
    public void Train_then_eval_from_keys_shows_progress_sparkline_and_success_writes_checkpoint_and_report_and_x_cancels_an_eval()
    {
        var home = RepoPaths.NewTempDirectory("tui-learn");
        var dataset = RecordDataset(home);
        using var tui = Open(home, new LearnSettings
        {
            DatasetRoot = dataset, RunsDirectory = Path.Combine(home, "runs"), PolicyKey = "mlp", Preset = "small", Steps = 5,
            EvalEpisodes = 1, EvalMaxSteps = 5,
        });

        tui.App.InjectKey(Key.L);
        Assert.True(tui.Window.ShowsLearnPanel);
        var screen = tui.Screen();
        Shows(screen, "policy mlp/small 5 steps");
        Shows(screen, "train: not started");
        Shows(screen, "eval pick_place x1");
        Shows(screen, "train"); // help bar

        tui.App.InjectKey(Key.E);
        Shows(tui.Screen(), "no checkpoint yet");

        tui.App.InjectKey(Key.T);
        Assert.True(tui.Learn.IsBusy);
        Eventually.WaitFor(() => !tui.Learn.IsBusy, TimeSpan.FromSeconds(120), () => "training did not finish: " + tui.Screen());
        screen = tui.Screen();
        Assert.True(tui.Learn.TrainOutcome!.StartsWith("done at step 5", StringComparison.Ordinal), tui.Learn.TrainOutcome);
        Shows(screen, "step 5/5 100%");
        Shows(screen, "it/s");
        Shows(screen, "ETA");
        Shows(screen, "done at step 5");
        Assert.Equal(5, tui.Learn.Losses().Count);
        Shows(screen, Sparkline.Render(tui.Learn.Losses(), 80));
        var checkpoint = tui.Learn.Checkpoint!;
        Assert.True(File.Exists(Path.Combine(checkpoint, "config.json")), $"no checkpoint in {checkpoint}");

        tui.App.InjectKey(Key.E);
        Eventually.WaitFor(() => !tui.Learn.IsBusy, TimeSpan.FromSeconds(120), () => "evaluation did not finish: " + tui.Screen());
        screen = tui.Screen();
        Shows(screen, "rollouts 1/1 success");
        Assert.True(tui.Learn.EvalOutcome!.Contains("/1 = ", StringComparison.Ordinal), tui.Learn.EvalOutcome);
        Assert.True(File.Exists(Path.Combine(checkpoint, "eval_pick_place_100000", "eval.json")), "no eval.json next to the checkpoint");

        // A long evaluation (200 rollouts) stops on x after the rollout in progress.
        for (var i = 0; i < 8; i++) tui.App.InjectKey(new Key(']'));
        Assert.Equal(200, tui.Learn.Settings.EvalEpisodes);
        tui.App.InjectKey(Key.E);
        Assert.True(tui.Learn.IsEvaluating);
        tui.App.InjectKey(Key.X);
        Eventually.WaitFor(() => !tui.Learn.IsBusy, TimeSpan.FromSeconds(60), () => "x did not stop the evaluation: " + tui.Screen());
        Assert.StartsWith("cancelled after", tui.Learn.EvalOutcome);
        Shows(tui.Screen(), "cancelled after");
        Assert.True(tui.Learn.EvalProgress is null or { Completed: < 200 });
    }

    [Fact]
    public void Cancel_key_stops_a_long_training_with_a_partial_checkpoint_and_space_still_torques_off_meanwhile()
    {
        var home = RepoPaths.NewTempDirectory("tui-learn-cancel");
        var dataset = RecordDataset(home);
        using var tui = Open(home, new LearnSettings
        {
            DatasetRoot = dataset, RunsDirectory = Path.Combine(home, "runs"), PolicyKey = "mlp", Preset = "small", Steps = 100_000,
        });
        tui.Rig.Robot.Connect();
        tui.App.InjectKey(Key.T);
        Eventually.WaitFor(() => tui.Learn.TrainProgress is { Step: >= 2 } || !tui.Learn.IsBusy, TimeSpan.FromSeconds(120), () => "no training progress: " + tui.Screen());
        Assert.True(tui.Learn.IsTraining, tui.Learn.TrainOutcome);

        // Recording would share the CPU with training and miss ticks: refused while training runs.
        tui.App.InjectKey(Key.G);
        Assert.False(tui.Rig.IsRecording);
        Shows(tui.Screen(), "x cancels it");

        tui.App.InjectKey(Key.Space);
        Assert.False(tui.Rig.Robot.IsConnected);
        Shows(tui.Screen(), "E-STOP: torque off");

        tui.App.InjectKey(Key.X);
        Eventually.WaitFor(() => !tui.Learn.IsBusy, TimeSpan.FromSeconds(60), () => "cancel did not stop training: " + tui.Screen());
        Assert.StartsWith("cancelled at step", tui.Learn.TrainOutcome);
        Shows(tui.Screen(), "cancelled at step");
        Assert.True(File.Exists(Path.Combine(tui.Learn.Checkpoint!, "config.json")), "no partial checkpoint after cancel");
        Assert.True(tui.Learn.TrainProgress!.Step < 100_000);
    }

    [Fact]
    public void Policy_preset_steps_and_rollout_keys_change_the_next_job_only_on_the_learn_panel()
    {
        var home = RepoPaths.NewTempDirectory("tui-learn-keys");
        using var tui = Open(home, new LearnSettings { DatasetRoot = Path.Combine(home, "none"), RunsDirectory = Path.Combine(home, "runs"), PolicyKey = "mlp", Preset = "small", Steps = 2000, EvalEpisodes = 10 });
        tui.App.InjectKey(Key.P);
        Assert.Equal("mlp", tui.Learn.Settings.PolicyKey); // record panel shown: p is not ours
        tui.App.InjectKey(Key.L);
        tui.App.InjectKey(new Key('+'));
        tui.App.InjectKey(new Key(']'));
        Assert.Equal(5000, tui.Learn.Settings.Steps);
        Assert.Equal(20, tui.Learn.Settings.EvalEpisodes);
        tui.App.InjectKey(new Key('-'));
        tui.App.InjectKey(new Key('-'));
        tui.App.InjectKey(new Key('['));
        Assert.Equal(1000, tui.Learn.Settings.Steps);
        Assert.Equal(10, tui.Learn.Settings.EvalEpisodes);
        tui.App.InjectKey(Key.O);
        Assert.Equal("paper", tui.Learn.Settings.Preset);
        var policies = tui.Learn.TrainablePolicies();
        Assert.Contains("act", policies);
        tui.App.InjectKey(Key.P);
        Assert.NotEqual("mlp", tui.Learn.Settings.PolicyKey);
        Shows(tui.Screen(), $"policy {tui.Learn.Settings.PolicyKey}/");
        tui.App.InjectKey(Key.T);
        Assert.False(tui.Learn.IsBusy);
        Shows(tui.Screen(), "no dataset at");
    }

    [Fact]
    public void Rescan_key_loads_a_plugin_folder_dropped_in_after_start_and_the_list_shows_it()
    {
        var home = RepoPaths.NewTempDirectory("tui-rescan");
        var extra = Path.Combine(home, "plugins");
        Directory.CreateDirectory(extra);
        using var tui = Open(home, new LearnSettings { DatasetRoot = Path.Combine(home, "none"), RunsDirectory = Path.Combine(home, "runs") }, [extra]);
        var before = tui.Screen();
        Assert.DoesNotContain("Fixture.Dropped", before);
        var count = tui.Session.Plugins.Loaded.Count;
        Shows(before, $"plugins ({count})");

        PluginFixtureBuilder.CompilePlugin(extra, "Fixture.Dropped", PluginFixtureBuilder.GoodPluginSource("dropped_robot"));
        tui.App.InjectKey(Key.F9);
        Assert.True(tui.Rig.WaitForRescan(TimeSpan.FromSeconds(30)), "rescan did not finish");
        var after = tui.Screen();
        Shows(after, $"plugins ({count + 1})");
        Shows(after, "rescan loaded Fixture.Dropped");
        Assert.Contains("dropped_robot", tui.Session.Catalog.Keys(ComponentKind.Robot));

        tui.App.InjectKey(Key.F9);
        Assert.True(tui.Rig.WaitForRescan(TimeSpan.FromSeconds(30)));
        Shows(tui.Screen(), "rescan: no new plugins");
    }

    [Fact]
    public void Sparkline_draws_a_falling_loss_from_high_to_low_blocks_and_fits_the_width()
    {
        var losses = Enumerable.Range(0, 1000).Select(i => 10.0 * Math.Exp(-i / 200.0)).ToList();
        var line = Sparkline.Render(losses, 20);
        Assert.Equal(20, line.Length);
        Assert.Equal('█', line[0]);
        Assert.Equal('▁', line[^1]);
        for (var i = 1; i < line.Length; i++) Assert.True(Sparkline.Levels.IndexOf(line[i]) <= Sparkline.Levels.IndexOf(line[i - 1]), line);
        Assert.Equal("▁█", Sparkline.Render([1, 100], 10));
        Assert.Equal("▅▅▅", Sparkline.Render([2, 2, 2], 10));
        Assert.Equal(" ", Sparkline.Render([double.NaN], 5));
        Assert.Equal("", Sparkline.Render([], 5));
    }
}
