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
/// Keys: Space/F12 e-stop, g/F5 start recording, n/→ next, r/← re-record, q/Esc stop (quit when idle), s snapshot.
/// </summary>
public static class TuiCommand
{
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
        var command = new Command("tui", "Terminal UI at the robot: rig view with joint bars and loop timing, camera preview, recording (g start, n next, r re-record, q stop), log, e-stop on Space/F12")
        {
            robot, teleop, cameras, root, episodes, episodeTime, resetTime, fps, task, robotOptions, teleopOptions, cameraOptions,
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
                    cameraKeys = ["sim_front"];
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
                using var rig = new RigController(session, options);
                TuiApp.Run(rig, sink);
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
