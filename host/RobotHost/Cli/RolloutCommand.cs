using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RobotHost.Control;
using RobotHost.Plugins;
using RobotHost.Recording;
using RobotHost.Rollout;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost rollout --checkpoint DIR | --policy-server HOST:PORT [--policy-deadline-ms MS] --robot KEY [--robot-option k=v…] [--cameras KEY,…] [--camera-option …] [--fps 30]
/// [--duration S] [--episodes N] [--max-step DEG] [--watchdog-ms 100] [--sync-inference] [--chunk-execution sync|async|rtc [--execution-horizon S]] [--teleop KEY [--teleop-option k=v…]]
/// [--root DIR [--task TEXT] [--resume]]</c>: runs a trained policy on a real robot (<see cref="RolloutRunner"/>). With --teleop,
/// t hands control to the teleoperator (a leader arm) and back; with --root every tick is recorded with who drove it, in
/// episodes ended by n/→, re-recorded by r/←, stopped by q/Esc as in <c>record</c>. E-stop: Space (and q without --root),
/// or Ctrl+C / SIGTERM → torque off, exit 130.
/// </summary>
public static class RolloutCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string[]>("--checkpoint")
        {
            Description = "Checkpoint folder (a step folder, a training output folder or its checkpoints/); repeat it to run several as one ensemble",
            AllowMultipleArgumentsPerToken = false,
        };
        var (server, deadline) = PolicyServerOptions.Create();
        var robot = new Option<string>("--robot") { Description = "Robot key, e.g. so101_follower", Required = true };
        var robotOptions = new Option<string[]>("--robot-option") { Description = "Robot config name=value, e.g. port=/dev/ttyACM0 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cameras = new Option<string[]>("--cameras") { Description = "Camera keys, comma-separated or repeated, named as in training", AllowMultipleArgumentsPerToken = false };
        var cameraOptions = new Option<string[]>("--camera-option") { Description = "Camera config name=value for every camera, or KEY.name=value / INDEX.name=value for one (repeatable)", AllowMultipleArgumentsPerToken = false };
        var fps = new Option<double?>("--fps") { Description = "Control rate, Hz (default: the policy's training fps)" };
        var duration = new Option<double?>("--duration") { Description = "Seconds per episode (default: until Space, q or Ctrl+C; with --root: 60, or n/→ ends the episode)" };
        var episodes = new Option<int>("--episodes") { Description = "Episodes (the policy is reset before each; needs --duration, or --root to record them)", DefaultValueFactory = _ => 1 };
        var reset = new Option<double>("--reset-time") { Description = "Seconds between episodes while the robot holds position", DefaultValueFactory = _ => 0 };
        var maxStep = new Option<float>("--max-step") { Description = "Largest goal change from the present position per tick (degrees)", DefaultValueFactory = _ => 10f };
        var watchdog = new Option<int>("--watchdog-ms") { Description = "Deadline for policy inference and bus I/O per tick; misses hold, repeated misses turn torque off", DefaultValueFactory = _ => 100 };
        var syncInference = new Option<bool>("--sync-inference") { Description = "Wait each tick for the action of that tick's own observation (default: inference runs one tick ahead, so the loop never waits for the network; actions lag by one period)" };
        var execution = new Option<string>("--chunk-execution") { Description = "How a chunking policy's chunks execute: sync (each inference inside a tick, as today), async (compute the next chunk while the current one executes, switch on arrival) or rtc (async with real-time chunking)", DefaultValueFactory = _ => "sync" };
        var horizon = new Option<int?>("--execution-horizon") { Description = "Actions executed from each chunk before the next inference starts (async, rtc; default: the policy's n_action_steps)" };
        var teleop = new Option<string?>("--teleop") { Description = "Teleoperator a person takes over with (t key), e.g. so101_leader; it mirrors the follower until then when it can" };
        var teleopOptions = new Option<string[]>("--teleop-option") { Description = "Teleoperator config name=value, e.g. port=/dev/ttyACM1 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var root = new Option<string?>("--root", "--dataset.root") { Description = "Record every tick into this dataset, with columns intervention and source (1 policy, 3 takeover)" };
        var task = new Option<string?>("--task", "--dataset.single_task") { Description = "Task description stored with every recorded episode" };
        var resume = new Option<bool>("--resume") { Description = "Append recorded episodes to the dataset in --root" };
        var command = new Command("rollout", "Run a trained policy on a real robot at a fixed rate with max step, watchdog and e-stop (Space/Ctrl+C → torque off); t hands over to --teleop, --root records who drove each tick")
        {
            checkpoint, server, deadline, robot, robotOptions, cameras, cameraOptions, fps, duration, episodes, reset, maxStep, watchdog, syncInference, execution, horizon,
            teleop, teleopOptions, root, task, resume,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                var checkpoints = parse.GetValue(checkpoint) ?? [];
                var remote = PolicyServerOptions.Parse(parse, server, deadline, checkpoints);
                var cameraKeys = (parse.GetValue(cameras) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                var options = new RolloutOptions
                {
                    Fps = parse.GetValue(fps),
                    DurationSeconds = parse.GetValue(duration),
                    Episodes = parse.GetValue(episodes),
                    ResetSeconds = parse.GetValue(reset),
                    MaxStep = parse.GetValue(maxStep),
                    WatchdogMs = parse.GetValue(watchdog),
                    InferenceAhead = !parse.GetValue(syncInference),
                    ChunkExecution = Evaluation.ChunkExecutionNames.Parse(parse.GetValue(execution)!),
                    ExecutionHorizon = parse.GetValue(horizon),
                    PolicyServer = remote,
                };
                var rootDir = parse.GetValue(root);
                // A recorded rollout is cut into episodes as a recording is: --duration is each episode's length.
                if (rootDir is not null) options = options with { Episodes = 1, DurationSeconds = null };
                var recording = rootDir is null ? null : new RecordOptions
                {
                    Root = rootDir,
                    Episodes = parse.GetValue(episodes),
                    EpisodeTimeS = parse.GetValue(duration) ?? 60,
                    ResetTimeS = parse.GetValue(reset),
                    Task = parse.GetValue(task),
                    Resume = parse.GetValue(resume),
                };
                var teleopKey = parse.GetValue(teleop);
                if (teleopKey is null && parse.GetValue(teleopOptions) is { Length: > 0 })
                    throw new RobotHostException("--teleop-option needs --teleop (e.g. --teleop so101_leader)");
                var rig = new RigSpec(parse.GetValue(robot)!, ConfigBinder.ParseOptions(parse.GetValue(robotOptions)),
                    teleopKey, ConfigBinder.ParseOptions(parse.GetValue(teleopOptions)), cameraKeys,
                    RecordCommand.CameraOptionsFor(cameraKeys, parse.GetValue(cameraOptions) ?? []));
                CliApp.WarnIfInterruptIgnored(session, stop);
                var takeover = new TakeoverSwitch();
                var control = recording is null ? null : new RecordControl();
                using var keys = KeyboardRecordControl.StartIfInteractive(control, teleopKey is null ? null : takeover, () => stop.Stop("e-stop key"));
                if (keys is not null)
                    Console.Error.WriteLine("rollout: Space (or Ctrl+C) e-stop, torque off" + (teleopKey is null ? "" : "; t take over at the leader arm and hand back")
                        + (recording is null ? "; q stop" : "; → or n next episode, ← or r re-record, Esc or q save and stop"));
                var progress = new SyncProgress<RolloutProgress>(p => Console.Error.Write(
                    $"\repisode {p.Episode} {p.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s | {p.Loop.MeasuredHz.ToString("F1", CultureInfo.InvariantCulture)} Hz, jitter {p.Loop.JitterMs.ToString("F2", CultureInfo.InvariantCulture)} ms, overruns {p.Loop.Overruns} | holds {p.Holds}" +
                    (teleopKey is null ? "   " : $" | {(p.InTakeover ? "PERSON" : "policy")} drives, takeover frames {p.TakeoverTicks}   ")));
                using var printer = recording is null ? null : new ProgressPrinter(Console.Error, interactive: !Console.IsErrorRedirected);
                var result = RobotRollout.Run(session, checkpoints, rig, options, recording, takeover, control,
                    // A recorded rollout prints the recorder's lines; the rollout's own would overwrite them.
                    recording is null ? progress : null, printer, stop.Token);
                printer?.Dispose();
                Console.Error.WriteLine();
                Console.WriteLine(result.Summary());
                if (result.Stop == RolloutStop.Cancelled)
                {
                    session.CreateLogger("RobotHost.Rollout").LogInformation("stopped by {Reason}; torque is off", stop.Reason);
                    Console.Error.WriteLine($"stopped by {stop.Reason}; torque is off");
                    return CliApp.Cancelled;
                }
                return 0;
            });
        });
        return command;
    }

    /// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
