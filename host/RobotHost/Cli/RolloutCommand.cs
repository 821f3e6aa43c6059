using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RobotHost.Plugins;
using RobotHost.Rollout;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost rollout --checkpoint DIR --robot KEY [--robot-option k=v…] [--cameras KEY,…] [--camera-option …] [--fps 30]
/// [--duration S] [--episodes N] [--max-step DEG] [--watchdog-ms 100] [--sync-inference]</c>: runs a trained policy on a real robot
/// (<see cref="RolloutRunner"/>). E-stop: Space or q on a terminal, or Ctrl+C / SIGTERM → torque off, exit 130.
/// </summary>
public static class RolloutCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string[]>("--checkpoint")
        {
            Description = "Checkpoint folder (a step folder, a training output folder or its checkpoints/); repeat it to run several as one ensemble",
            Required = true, AllowMultipleArgumentsPerToken = false,
        };
        var robot = new Option<string>("--robot") { Description = "Robot key, e.g. so101_follower", Required = true };
        var robotOptions = new Option<string[]>("--robot-option") { Description = "Robot config name=value, e.g. port=/dev/ttyACM0 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cameras = new Option<string[]>("--cameras") { Description = "Camera keys, comma-separated or repeated, named as in training", AllowMultipleArgumentsPerToken = false };
        var cameraOptions = new Option<string[]>("--camera-option") { Description = "Camera config name=value for every camera, or KEY.name=value / INDEX.name=value for one (repeatable)", AllowMultipleArgumentsPerToken = false };
        var fps = new Option<double?>("--fps") { Description = "Control rate, Hz (default: the policy's training fps)" };
        var duration = new Option<double?>("--duration") { Description = "Seconds per episode (default: until Space, q or Ctrl+C)" };
        var episodes = new Option<int>("--episodes") { Description = "Episodes (the policy is reset before each; needs --duration)", DefaultValueFactory = _ => 1 };
        var reset = new Option<double>("--reset-time") { Description = "Seconds between episodes while the robot holds position", DefaultValueFactory = _ => 0 };
        var maxStep = new Option<float>("--max-step") { Description = "Largest goal change from the present position per tick (degrees)", DefaultValueFactory = _ => 10f };
        var watchdog = new Option<int>("--watchdog-ms") { Description = "Deadline for policy inference and bus I/O per tick; misses hold, repeated misses turn torque off", DefaultValueFactory = _ => 100 };
        var syncInference = new Option<bool>("--sync-inference") { Description = "Wait each tick for the action of that tick's own observation (default: inference runs one tick ahead, so the loop never waits for the network; actions lag by one period)" };
        var command = new Command("rollout", "Run a trained policy on a real robot at a fixed rate with max step, watchdog and e-stop (Space/q/Ctrl+C → torque off)")
        {
            checkpoint, robot, robotOptions, cameras, cameraOptions, fps, duration, episodes, reset, maxStep, watchdog, syncInference,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            using var keysDone = new CancellationTokenSource();
            var keys = StartEStopKeys(() => stop.Stop("e-stop key"), keysDone.Token);
            try
            {
                return CliApp.Run(parse, session =>
                {
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
                    };
                    CliApp.WarnIfInterruptIgnored(session, stop);
                    if (keys is not null) Console.Error.WriteLine("rollout: press Space or q (or Ctrl+C) to stop; torque goes off");
                    var progress = new SyncProgress<RolloutProgress>(p => Console.Error.Write(
                        $"\repisode {p.Episode} {p.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s | {p.Loop.MeasuredHz.ToString("F1", CultureInfo.InvariantCulture)} Hz, jitter {p.Loop.JitterMs.ToString("F2", CultureInfo.InvariantCulture)} ms, overruns {p.Loop.Overruns} | holds {p.Holds}   "));
                    var result = RobotRollout.Run(session, parse.GetValue(checkpoint)!, parse.GetValue(robot)!,
                        ConfigBinder.ParseOptions(parse.GetValue(robotOptions)), cameraKeys,
                        RecordCommand.CameraOptionsFor(cameraKeys, parse.GetValue(cameraOptions) ?? []), options, progress, stop.Token);
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
            }
            finally
            {
                keysDone.Cancel();
            }
        });
        return command;
    }

    /// <summary>Watches the terminal for Space or q (only when stdin is a terminal); null when there is none.</summary>
    private static Thread? StartEStopKeys(Action stop, CancellationToken done)
    {
        if (Console.IsInputRedirected) return null;
        var thread = new Thread(() =>
        {
            try
            {
                while (!done.IsCancellationRequested)
                {
                    if (!Console.KeyAvailable) { done.WaitHandle.WaitOne(20); continue; }
                    var key = Console.ReadKey(intercept: true);
                    if (key.Key == ConsoleKey.Spacebar || key.KeyChar is 'q' or 'Q') { stop(); return; }
                }
            }
            catch (InvalidOperationException)
            {
                // No usable console after all: Ctrl+C still works.
            }
        }) { IsBackground = true, Name = "rollout e-stop keys" };
        thread.Start();
        return thread;
    }

    /// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
