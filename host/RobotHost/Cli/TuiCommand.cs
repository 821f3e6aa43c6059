using System.CommandLine;
using RobotHost.Plugins;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tui;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost tui [--robot KEY] [--teleop KEY] [--cameras KEY,KEY] [--root DIR] [--episodes N] [--episode-time S]
/// [--reset-time S] [--robot-option k=v…] [--teleop-option k=v…] [--camera-option [CAM.]k=v…]</c>: the operator's
/// terminal UI. With no options it opens on the simulated rig (sim_so101 + sim_expert + sim_front at 160×120).
/// Keys: Space/F12 e-stop, g/F5 start recording, n/→ next, r/← re-record, q/Esc stop (quit when idle), s snapshot,
/// F6 run the checkpoint on the rig, recorded into the corrections dataset (t: the teleoperator takes over and hands back;
/// n, r, q as in recording), l train/eval panel, t train, f fine-tune on demonstrations + corrections, e evaluate, x cancel,
/// p/o/+/−/[/] policy, preset, steps, rollouts, F9 rescan plugins.
/// Train/eval options: [--policy KEY] [--preset P] [--train-steps N] [--train-dataset DIR] [--corrections DIR] [--checkpoint DIR]
/// [--env KEY] [--env-option k=v…] [--eval-episodes N] [--eval-max-steps N].
/// </summary>
public static class TuiCommand
{
    // With no --camera the TUI opens on the simulated rig's front camera, like the robot and teleoperator defaults.
    private static readonly string[] DefaultCameraKeys = ["sim_front"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var robot = new Option<string>("--robot") { Description = "Robot key", DefaultValueFactory = _ => "sim_so101" };
        var teleop = new Option<string>("--teleop") { Description = "Teleoperator key", DefaultValueFactory = _ => "sim_expert" };
        var cameras = new Option<string[]>("--cameras") { Description = "Camera keys, comma-separated or repeated (default sim_front)", AllowMultipleArgumentsPerToken = false };
        var root = new Option<string?>("--root", "--dataset.root") { Description = "Dataset folder (default: ROBOTHOST_HOME/datasets/tui-<time>)" };
        var episodes = new Option<int>("--episodes", "--dataset.num_episodes") { Description = "Episodes per recording session", DefaultValueFactory = _ => 10 };
        var episodeTime = new Option<double>("--episode-time", "--dataset.episode_time_s") { Description = "Longest episode, seconds", DefaultValueFactory = _ => 20 };
        var resetTime = new Option<double>("--reset-time", "--dataset.reset_time_s") { Description = "Reset phase between episodes, seconds", DefaultValueFactory = _ => 5 };
        var fps = new Option<int?>("--fps", "--dataset.fps") { Description = "Frames per second (default 30)" };
        var task = new Option<string?>("--task", "--dataset.single_task") { Description = "Task description stored with every episode" };
        var robotOptions = new Option<string[]>("--robot-option") { Description = "Robot config name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var teleopOptions = new Option<string[]>("--teleop-option") { Description = "Teleoperator config name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cameraOptions = new Option<string[]>("--camera-option") { Description = "Camera config name=value, or KEY.name=value for one camera (repeatable)", AllowMultipleArgumentsPerToken = false };
        var policy = new Option<string>("--policy") { Description = "Policy to train from the train/eval panel (p cycles)", DefaultValueFactory = _ => "act" };
        var preset = new Option<string?>("--preset") { Description = "Its preset (o cycles)", DefaultValueFactory = _ => "small" };
        var trainSteps = new Option<long>("--train-steps") { Description = "Training steps (+/- change)", DefaultValueFactory = _ => 2000 };
        var trainDataset = new Option<string?>("--train-dataset") { Description = "Dataset to train on (default: the recording folder)" };
        var corrections = new Option<string?>("--corrections") { Description = "Dataset the policy runs (F6) record into and training adds (default: the recording folder + _corrections)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint to evaluate before training one here" };
        var env = new Option<string>("--env") { Description = "Environment to evaluate on", DefaultValueFactory = _ => "pick_place" };
        var envOptions = new Option<string[]>("--env-option") { Description = "Environment config name=value (repeatable; default for pick_place: cameras and image size of the dataset)", AllowMultipleArgumentsPerToken = false };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "Rollouts per evaluation ([/] change)", DefaultValueFactory = _ => 10 };
        var evalMaxSteps = new Option<int?>("--eval-max-steps") { Description = "Step limit per rollout (default: the environment's)" };
        var command = new Command("tui", "Terminal UI at the robot: rig view with joint bars and loop timing, camera preview, recording (g start, n next, r re-record, q stop), policy run with takeover recorded as corrections (F6 run, t take over/hand back, q save and stop), training and evaluation (l panel, t train, f fine-tune on demos + corrections, e eval, x cancel), log, plugin rescan (F9), e-stop on Space/F12")
        {
            robot, teleop, cameras, root, episodes, episodeTime, resetTime, fps, task, robotOptions, teleopOptions, cameraOptions,
            policy, preset, trainSteps, trainDataset, corrections, checkpoint, env, envOptions, evalEpisodes, evalMaxSteps,
        };
        command.SetAction(parse =>
        {
            var sink = new LogRingSink();
            HostSession? session = null;
            try
            {
                session = HostSession.Start(new HostOptions
                {
                    PluginDirectories = parse.GetValue(CliApp.PluginDirs) ?? [],
                    ExtraLogSink = sink,
                });
                var cameraKeys = (parse.GetValue(cameras) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                var cameraTokens = parse.GetValue(cameraOptions) ?? [];
                if (parse.GetResult(cameras) is null)
                {
                    cameraKeys = [.. DefaultCameraKeys];
                    if (cameraTokens.Length == 0) cameraTokens = ["width=160", "height=120"];
                }
                var options = new RecordOptions
                {
                    RobotKey = parse.GetValue(robot),
                    RobotOptions = ConfigBinder.ParseOptions(parse.GetValue(robotOptions)),
                    TeleopKey = parse.GetValue(teleop),
                    TeleopOptions = ConfigBinder.ParseOptions(parse.GetValue(teleopOptions)),
                    CameraKeys = cameraKeys,
                    CameraOptions = RecordCommand.CameraOptionsFor(cameraKeys, cameraTokens),
                    Root = Path.GetFullPath(parse.GetValue(root) ?? Path.Combine(session.Paths.Home, "datasets", $"tui-{DateTime.UtcNow:yyyyMMdd-HHmmss}")),
                    Episodes = parse.GetValue(episodes),
                    EpisodeTimeS = parse.GetValue(episodeTime),
                    ResetTimeS = parse.GetValue(resetTime),
                    Fps = parse.GetValue(fps),
                    Task = parse.GetValue(task),
                    Resume = parse.GetValue(root) is { } r && Directory.Exists(Path.Combine(r, "meta")),
                };
                var problems = options.Validate().ToList();
                if (problems.Count > 0) throw new RobotHostException(string.Join("; ", problems));
                var correctionsRoot = Path.GetFullPath(parse.GetValue(corrections) ?? RigController.DefaultCorrectionsRoot(options.Root));
                var learnSettings = new LearnSettings
                {
                    DatasetRoot = Path.GetFullPath(parse.GetValue(trainDataset) ?? options.Root),
                    CorrectionsRoot = correctionsRoot,
                    RunsDirectory = Path.Combine(session.Paths.Home, "runs"),
                    PolicyKey = parse.GetValue(policy)!,
                    Preset = parse.GetValue(preset),
                    Steps = parse.GetValue(trainSteps),
                    Checkpoint = parse.GetValue(checkpoint) is { } c ? Path.GetFullPath(c) : null,
                    Env = parse.GetValue(env)!,
                    EnvOptions = parse.GetResult(envOptions) is null ? null : ConfigBinder.ParseOptions(parse.GetValue(envOptions)),
                    EvalEpisodes = parse.GetValue(evalEpisodes),
                    EvalMaxSteps = parse.GetValue(evalMaxSteps),
                };
                if (learnSettings.Steps < 1) throw new RobotHostException($"--train-steps must be at least 1, got {learnSettings.Steps}");
                if (learnSettings.EvalEpisodes < 1) throw new RobotHostException($"--eval-episodes must be at least 1, got {learnSettings.EvalEpisodes}");
                if (learnSettings.EvalMaxSteps is < 1) throw new RobotHostException($"--eval-max-steps must be at least 1, got {learnSettings.EvalMaxSteps}");
                using var rig = new RigController(session, options, correctionsRoot);
                using var learn = new LearnController(session, learnSettings);
                using (NativeStderr.RedirectTo(Path.Combine(session.Paths.LogDirectory, "tui-native-stderr.log")))
                    TuiApp.Run(rig, learn, sink);
                return 0;
            }
            catch (Exception e)
            {
                return CliApp.Report(e, session);
            }
            finally
            {
                session?.Dispose();
            }
        });
        return command;
    }
}
