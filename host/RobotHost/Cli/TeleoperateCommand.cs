using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RobotHost.Control;
using RobotHost.Plugins;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost teleoperate --robot KEY --teleop KEY [--fps 30] [--cameras KEY,…] [--camera-option …] [--duration S]
/// [--robot-option k=v…] [--teleop-option k=v…]</c>: copies the teleoperator's action to the robot at a fixed rate
/// (LeRobot's <c>lerobot-teleoperate</c>), showing loop period, jitter and overruns. Torque goes off on Ctrl+C, SIGTERM,
/// the end of --duration and any error, because the robot is disconnected on every exit path.
/// </summary>
public static class TeleoperateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var robot = new Option<string>("--robot") { Description = "Robot key, e.g. so101_follower", Required = true };
        var teleop = new Option<string>("--teleop") { Description = "Teleoperator key, e.g. so101_leader", Required = true };
        var fps = new Option<int>("--fps") { Description = "Control rate, Hz", DefaultValueFactory = _ => 30 };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
        var cameras = new Option<string[]>("--cameras") { Description = "Camera keys, comma-separated or repeated (their frame rate is shown)", AllowMultipleArgumentsPerToken = false };
        var robotOptions = new Option<string[]>("--robot-option") { Description = "Robot config name=value, e.g. port=/dev/ttyACM0 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var teleopOptions = new Option<string[]>("--teleop-option") { Description = "Teleoperator config name=value, e.g. port=/dev/ttyACM1 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cameraOptions = new Option<string[]>("--camera-option") { Description = "Camera config name=value for every camera, or KEY.name=value / INDEX.name=value for one (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("teleoperate", "Drive a robot from a teleoperator (e.g. SO-101 leader → follower) at a fixed rate, showing loop period and jitter; torque off on exit")
        {
            robot, teleop, fps, duration, cameras, robotOptions, teleopOptions, cameraOptions,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                var rate = parse.GetValue(fps);
                if (rate is < 1 or > 1000) throw new RobotHostException($"--fps must be between 1 and 1000, got {rate}");
                var seconds = parse.GetValue(duration);
                if (seconds is <= 0) throw new RobotHostException($"--duration must be positive, got {seconds}");
                var cameraKeys = (parse.GetValue(cameras) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                var perCamera = RecordCommand.CameraOptionsFor(cameraKeys, parse.GetValue(cameraOptions) ?? []);
                CliApp.WarnIfInterruptIgnored(session, stop);
                var stats = Run(session, parse.GetValue(robot)!, ConfigBinder.ParseOptions(parse.GetValue(robotOptions)),
                    parse.GetValue(teleop)!, ConfigBinder.ParseOptions(parse.GetValue(teleopOptions)),
                    cameraKeys, perCamera, rate, seconds, Console.Error, stop.Token);
                Console.WriteLine(Summary(stats));
                if (stop.Reason is { } reason) session.CreateLogger("RobotHost.Teleoperate").LogInformation("stopped by {Reason}; torque is off", reason);
                return stop.IsStopping ? CliApp.Cancelled : 0;
            });
        });
        return command;
    }

    /// <summary>The teleoperation loop (<see cref="RateLoop"/>); returns its timing. The rig is disconnected (robot torque off first) on every exit path.</summary>
    public static LoopStats Run(HostSession session, string robotKey, IReadOnlyDictionary<string, string> robotOptions,
        string teleopKey, IReadOnlyDictionary<string, string> teleopOptions, IReadOnlyList<string> cameraKeys,
        IReadOnlyList<IReadOnlyDictionary<string, string>> cameraOptions, int fps, double? durationS, TextWriter status, CancellationToken cancel)
    {
        var log = session.CreateLogger("RobotHost.Teleoperate");
        using var rig = Rig.Create(session.Catalog, new RigSpec(robotKey, robotOptions, teleopKey, teleopOptions, cameraKeys, cameraOptions), log);
        rig.Connect();
        var leader = rig.Teleoperator!;
        var cams = rig.Cameras;
        log.LogInformation("teleoperating {Robot} from {Teleop} at {Fps} Hz", robotKey, teleopKey, fps);
        var loop = new RateLoop(fps);
        var start = Stopwatch.GetTimestamp();
        var lastPrint = start;
        var frames = new long[cams.Count];
        var lastSequence = new long[cams.Count];
        try
        {
            loop.Run(_ =>
            {
                if (durationS is { } d && Stopwatch.GetElapsedTime(start).TotalSeconds >= d) return false;
                var sent = rig.Robot.SendAction(leader.GetAction());
                for (var i = 0; i < cams.Count; i++)
                    if (cams[i].ReadLatest() is { } frame && frame.Sequence != lastSequence[i]) { lastSequence[i] = frame.Sequence; frames[i]++; }
                if (Stopwatch.GetElapsedTime(lastPrint).TotalSeconds > 0.5)
                {
                    lastPrint = Stopwatch.GetTimestamp();
                    var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    var joints = string.Join(" ", sent.Values.Select(p => $"{p.Key.Replace(".pos", "", StringComparison.Ordinal)} {p.Value.ToString("F1", CultureInfo.InvariantCulture)}"));
                    var camText = cams.Count == 0 ? "" : " | " + string.Join(" ", cams.Select((c, i) => $"{cameraKeys[i]} {(frames[i] / Math.Max(elapsed, 1e-3)).ToString("F0", CultureInfo.InvariantCulture)} fps"));
                    status.Write($"\r{loop.Stats}{camText} | {joints}   ");
                }
                return true;
            }, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: a normal way to end teleoperation; the rig turns torque off on the way out.
        }
        status.WriteLine();
        return loop.Stats;
    }

    /// <summary>End-of-run summary of a teleoperation's loop timing.</summary>
    public static string Summary(LoopStats stats) => $"teleoperation: {stats}";
}
