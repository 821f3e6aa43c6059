using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
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
                Console.WriteLine(stats.Summary());
                if (stop.Reason is { } reason) session.CreateLogger("RobotHost.Teleoperate").LogInformation("stopped by {Reason}; torque is off", reason);
                return stop.IsStopping ? CliApp.Cancelled : 0;
            });
        });
        return command;
    }

    /// <summary>The teleoperation loop; returns its timing. Every device is disconnected (robot torque off) on every exit path.</summary>
    public static TeleoperationStats Run(HostSession session, string robotKey, IReadOnlyDictionary<string, string> robotOptions,
        string teleopKey, IReadOnlyDictionary<string, string> teleopOptions, IReadOnlyList<string> cameraKeys,
        IReadOnlyList<IReadOnlyDictionary<string, string>> cameraOptions, int fps, double? durationS, TextWriter status, CancellationToken cancel)
    {
        var log = session.CreateLogger("RobotHost.Teleoperate");
        var robot = session.Catalog.CreateRobot(robotKey, robotOptions);
        ITeleoperator? leader = null;
        var cams = new List<ICamera>();
        var stats = new TeleoperationStats(fps);
        try
        {
            leader = session.Catalog.CreateTeleoperator(teleopKey, teleopOptions);
            for (var i = 0; i < cameraKeys.Count; i++) cams.Add(session.Catalog.CreateCamera(cameraKeys[i], cameraOptions[i]));
            leader.Connect();
            robot.Connect();
            foreach (var cam in cams) cam.Connect();
            log.LogInformation("teleoperating {Robot} from {Teleop} at {Fps} Hz", robotKey, teleopKey, fps);

            var period = Stopwatch.Frequency / (double)fps;
            var start = Stopwatch.GetTimestamp();
            var next = (double)start;
            var lastTick = 0L;
            var lastPrint = start;
            var frames = new long[cams.Count];
            var lastSequence = new long[cams.Count];
            while (!cancel.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                if (durationS is { } d && now - start >= d * Stopwatch.Frequency) break;
                if (lastTick != 0) stats.AddPeriod((now - lastTick) * 1000.0 / Stopwatch.Frequency);
                lastTick = now;

                var sent = robot.SendAction(leader.GetAction());
                for (var i = 0; i < cams.Count; i++)
                    if (cams[i].ReadLatest() is { } frame && frame.Sequence != lastSequence[i]) { lastSequence[i] = frame.Sequence; frames[i]++; }
                stats.AddWork((Stopwatch.GetTimestamp() - now) * 1000.0 / Stopwatch.Frequency);

                if (Stopwatch.GetTimestamp() - lastPrint > Stopwatch.Frequency / 2)
                {
                    lastPrint = Stopwatch.GetTimestamp();
                    var elapsed = (lastPrint - start) / (double)Stopwatch.Frequency;
                    var joints = string.Join(" ", sent.Values.Select(p => $"{p.Key.Replace(".pos", "", StringComparison.Ordinal)} {p.Value.ToString("F1", CultureInfo.InvariantCulture)}"));
                    var camText = cams.Count == 0 ? "" : " | " + string.Join(" ", cams.Select((c, i) => $"{cameraKeys[i]} {(frames[i] / Math.Max(elapsed, 1e-3)).ToString("F0", CultureInfo.InvariantCulture)} fps"));
                    status.Write($"\r{stats.Line()}{camText} | {joints}   ");
                }

                next += period;
                var wait = next - Stopwatch.GetTimestamp();
                if (wait < 0)
                {
                    stats.Overruns++;
                    next = Stopwatch.GetTimestamp(); // do not try to catch up with a burst
                }
                else if (cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(wait / Stopwatch.Frequency))) break;
            }
            status.WriteLine();
            return stats;
        }
        finally
        {
            // Robot first: torque off is the point of this block.
            robot.Disconnect();
            robot.Dispose();
            leader?.Disconnect();
            leader?.Dispose();
            foreach (var cam in cams)
            {
                cam.Disconnect();
                cam.Dispose();
            }
        }
    }
}

/// <summary>Loop timing of a teleoperation run: period (tick to tick), work per tick, overruns.</summary>
public sealed class TeleoperationStats(int fps)
{
    private readonly List<double> _periods = [];
    private readonly List<double> _work = [];

    /// <summary>Target rate.</summary>
    public int Fps { get; } = fps;

    /// <summary>Ticks run.</summary>
    public int Ticks => _work.Count;

    /// <summary>Ticks whose work ran past the next deadline.</summary>
    public int Overruns { get; set; }

    /// <summary>Tick-to-tick periods, ms.</summary>
    public IReadOnlyList<double> Periods => _periods;

    internal void AddPeriod(double ms) => _periods.Add(ms);

    internal void AddWork(double ms) => _work.Add(ms);

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Round(p / 100 * (sorted.Length - 1)))];
    }

    /// <summary>Jitter: how far periods stray from 1/fps, p99 of the absolute error, ms.</summary>
    public double JitterP99Ms => Percentile(_periods.Select(p => Math.Abs(p - 1000.0 / Fps)).ToList(), 99);

    /// <summary>Live status text.</summary>
    public string Line()
    {
        var recent = _periods.Skip(Math.Max(0, _periods.Count - Fps)).ToList();
        var mean = recent.Count == 0 ? double.NaN : recent.Average();
        return string.Create(CultureInfo.InvariantCulture,
            $"loop {mean:F1} ms ({1000 / mean:F1} Hz, target {Fps}) jitter p99 {JitterP99Ms:F2} ms, work p50 {Percentile(_work, 50):F2} ms, overruns {Overruns}");
    }

    /// <summary>End-of-run summary.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"teleoperation: {Ticks} ticks at target {Fps} Hz; period p50 {Percentile(_periods, 50):F2} ms, p99 {Percentile(_periods, 99):F2} ms; jitter p99 {JitterP99Ms:F2} ms; work p50 {Percentile(_work, 50):F2} ms, p99 {Percentile(_work, 99):F2} ms; overruns {Overruns}");
}
