using System.CommandLine;
using RobotHost.Plugins;
using RobotHost.Recording;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost record --robot KEY --teleop KEY [--cameras KEY,KEY] --root DIR --episodes N --episode-time S --reset-time S
/// [--fps 30] [--task TEXT] [--resume] [--no-realtime] [--seed N] [--robot-option k=v…] [--teleop-option k=v…]
/// [--camera-option [CAM.]k=v…]</c>, or gym mode <c>--env KEY [--env-option k=v…]</c>. LeRobot's <c>--dataset.*</c> names
/// work as aliases. Keys (when stdin is a terminal): → or n next episode, ← or r re-record, Esc or q stop.
/// A progress line goes to stderr, the summary to stdout. Exit 0 when done or stopped, 130 after Ctrl+C.
/// </summary>
public static class RecordCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var robot = new Option<string?>("--robot") { Description = "Robot key, e.g. sim_so101 or so101_follower" };
        var teleop = new Option<string?>("--teleop") { Description = "Teleoperator key, e.g. sim_expert or so101_leader" };
        var cameras = new Option<string[]>("--cameras") { Description = "Camera keys, comma-separated or repeated, e.g. sim_front,sim_wrist", AllowMultipleArgumentsPerToken = false };
        var env = new Option<string?>("--env") { Description = "Gym mode: a simulated environment recorded with its scripted expert (e.g. obstacle_2d, pick_place) instead of --robot/--teleop" };
        var root = new Option<string?>("--root", "--dataset.root") { Description = "Dataset folder" };
        var episodes = new Option<int>("--episodes", "--dataset.num_episodes") { Description = "Episodes to record", DefaultValueFactory = _ => 50 };
        var episodeTime = new Option<double>("--episode-time", "--dataset.episode_time_s") { Description = "Longest episode, seconds", DefaultValueFactory = _ => 60 };
        var resetTime = new Option<double>("--reset-time", "--dataset.reset_time_s") { Description = "Reset phase between episodes, seconds (skipped with --no-realtime)", DefaultValueFactory = _ => 60 };
        var fps = new Option<int?>("--fps", "--dataset.fps") { Description = "Frames per second (default 30; gym mode: the environment's rate)" };
        var task = new Option<string?>("--task", "--dataset.single_task") { Description = "Task description stored with every episode" };
        var resume = new Option<bool>("--resume") { Description = "Append to the dataset in --root; episode numbering continues" };
        var noRealtime = new Option<bool>("--no-realtime") { Description = "Simulators: run as fast as possible and skip the reset wait (same files as real time)" };
        var seed = new Option<int>("--seed") { Description = "Seed of episode 0; episode i gets seed + i", DefaultValueFactory = _ => 0 };
        var codec = new Option<string>("--video-codec", "--dataset.vcodec") { Description = "Video codec while recording: h264 (live) or av1", DefaultValueFactory = _ => "h264" };
        var format = new Option<string?>("--format") { Description = "Dataset format key (default: the format of the dataset in --root, else the first loaded format; see `robothost plugins`)" };
        var robotOptions = new Option<string[]>("--robot-option") { Description = "Robot config name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var teleopOptions = new Option<string[]>("--teleop-option") { Description = "Teleoperator config name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cameraOptions = new Option<string[]>("--camera-option") { Description = "Camera config name=value for every camera, or KEY.name=value / INDEX.name=value for one (repeatable)", AllowMultipleArgumentsPerToken = false };
        var envOptions = new Option<string[]>("--env-option") { Description = "Environment config name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("record", "Record demonstrations into a LeRobot v3.0 dataset: robot + teleoperator + cameras at a fixed rate (keys: →/n next episode, ←/r re-record, Esc/q stop), or a simulated environment with its scripted expert")
        {
            robot, teleop, cameras, env, root, episodes, episodeTime, resetTime, fps, task, resume, noRealtime, seed, codec, format,
            robotOptions, teleopOptions, cameraOptions, envOptions,
        };
        command.SetAction(parse =>
        {
            var cameraKeys = (parse.GetValue(cameras) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            // Ctrl+C and SIGTERM end the session through its cancellation path, so torque goes off and saved episodes stay.
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                var options = new RecordOptions
                {
                    RobotKey = parse.GetValue(robot),
                    RobotOptions = ConfigBinder.ParseOptions(parse.GetValue(robotOptions)),
                    TeleopKey = parse.GetValue(teleop),
                    TeleopOptions = ConfigBinder.ParseOptions(parse.GetValue(teleopOptions)),
                    CameraKeys = cameraKeys,
                    CameraOptions = CameraOptionsFor(cameraKeys, parse.GetValue(cameraOptions) ?? []),
                    EnvironmentKey = parse.GetValue(env),
                    EnvironmentOptions = ConfigBinder.ParseOptions(parse.GetValue(envOptions)),
                    Root = parse.GetValue(root) ?? "",
                    Format = parse.GetValue(format),
                    Episodes = parse.GetValue(episodes),
                    EpisodeTimeS = parse.GetValue(episodeTime),
                    ResetTimeS = parse.GetValue(resetTime),
                    Fps = parse.GetValue(fps),
                    Task = parse.GetValue(task),
                    Resume = parse.GetValue(resume),
                    Realtime = !parse.GetValue(noRealtime),
                    Seed = parse.GetValue(seed),
                    VideoCodec = parse.GetValue(codec)!,
                };
                if (options.RobotKey is not null) CliApp.WarnIfInterruptIgnored(session, stop);
                var control = new RecordControl();
                using var keys = KeyboardRecordControl.StartIfInteractive(control);
                using var printer = new ProgressPrinter(Console.Error, interactive: !Console.IsErrorRedirected);
                if (keys is not null) Console.Error.WriteLine("keys: → or n next episode, ← or r re-record, Esc or q stop, Ctrl+C abort");
                var result = new Recorder(session.CreateLogger("RobotHost.Recording")).Record(session, options, control, printer, stop.Token);
                printer.Dispose();
                Console.WriteLine(result.Summary());
                return result.StopReason == RecordStopReason.Cancelled ? CliApp.Cancelled : 0;
            });
        });
        return command;
    }

    /// <summary>
    /// Splits <c>--camera-option</c> tokens per camera: <c>name=value</c> goes to every camera, <c>KEY.name=value</c> to the
    /// cameras with that key, <c>INDEX.name=value</c> to the camera at that position in <c>--cameras</c>.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> CameraOptionsFor(IReadOnlyList<string> cameraKeys, IEnumerable<string> tokens)
    {
        var perCamera = cameraKeys.Select(_ => new List<string>()).ToList();
        foreach (var token in tokens)
        {
            var eq = token.IndexOf('=');
            var dot = token.IndexOf('.');
            if (dot <= 0 || (eq >= 0 && dot > eq))
            {
                foreach (var list in perCamera) list.Add(token);
                continue;
            }
            var target = token[..dot];
            var rest = token[(dot + 1)..];
            var matched = false;
            for (var i = 0; i < cameraKeys.Count; i++)
            {
                if (cameraKeys[i] == target || target == i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    perCamera[i].Add(rest);
                    matched = true;
                }
            }
            if (!matched)
                throw new RobotHostException($"--camera-option {token}: '{target}' is neither a camera key in --cameras ({string.Join(", ", cameraKeys)}) nor a position 0–{cameraKeys.Count - 1}");
        }
        return perCamera.Select(l => (IReadOnlyDictionary<string, string>)ConfigBinder.ParseOptions(l)).ToList();
    }
}
