using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using RobotHost.Recording;
using RobotHost.Sdk;

namespace RobotHost.Benchmarks;

/// <summary>What a fault soak does: how long, how noisy the buses are, the rig's sizes.</summary>
public sealed record FaultSoakOptions
{
    /// <summary>Folder for the host's data, calibration, the camera clip and the dataset (created).</summary>
    public required string Home { get; init; }

    /// <summary>Plugin folder (artifacts/bin/plugins).</summary>
    public required string PluginDirectory { get; init; }

    /// <summary>How long to record; the session is as many whole episodes (episode + reset) as fit.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Length of each episode.</summary>
    public double EpisodeTimeS { get; init; } = 20;

    /// <summary>Reset phase between episodes.</summary>
    public double ResetTimeS { get; init; } = 2;

    /// <summary>Per-reply probability that a reply loses its last bytes (both buses).</summary>
    public double Drop { get; init; } = 0.002;

    /// <summary>Per-reply probability of a bad checksum (both buses).</summary>
    public double Checksum { get; init; } = 0.002;

    /// <summary>Per-reply probability that a reply comes <see cref="LateMs"/> late (both buses).</summary>
    public double Late { get; init; } = 0.001;

    /// <summary>How late a late reply is (past the 50 ms reply timeout: the attempt fails and is retried).</summary>
    public int LateMs { get; init; } = 100;

    /// <summary>
    /// Read retries of both arms (<c>num_read_retries</c>). At the rates above one attempt of a 6-servo read fails
    /// about 3 % of the time; with 4 retries a whole transaction fails fewer than once in 10⁷, so the session is not ended
    /// by chance — what is measured is what the faults cost while the arms keep going.
    /// </summary>
    public int ReadRetries { get; init; } = 4;

    /// <summary>Every this many seconds one follower servo (in turn) reports status error bits (voltage or angle,
    /// alternately: warnings, not faults that drop torque) for <see cref="ErrorBitsForS"/>.</summary>
    public double ErrorBitsEveryS { get; init; } = 15;

    /// <summary>How long each error-bit window lasts.</summary>
    public double ErrorBitsForS { get; init; } = 1;

    /// <summary>Camera clip size (the <c>video_file</c> camera plays an ffmpeg test pattern at 30 fps).</summary>
    public int CameraWidth { get; init; } = 160;

    /// <summary>Camera clip height.</summary>
    public int CameraHeight { get; init; } = 120;

    /// <summary>Seed of the fault draws (the leader uses seed + 1).</summary>
    public int Seed { get; init; } = 7;
}

/// <summary>What a fault soak measured.</summary>
public sealed record FaultSoakResult(
    RecordResult Record,
    int ExpectedFramesPerEpisode,
    (int Dropped, int Corrupted, int Delayed) FollowerFaults,
    (int Dropped, int Corrupted, int Delayed) LeaderFaults,
    int ErrorBitWindows,
    int ErrorBitWarnings,
    int Retries,
    int DatasetEpisodes,
    IReadOnlyList<int> DatasetEpisodeLengths,
    double ReaderOpenS,
    bool FollowerTorqueOffAtEnd,
    double WorkingSetStartMb,
    double WorkingSetEndMb,
    double GcHeapStartMb,
    double GcHeapEndMb)
{
    /// <summary>Frames the recorder dropped (writer queue full) in saved episodes, plus saved frames the dataset lacks.</summary>
    public long FramesLost => Record.DroppedFrames
        + Record.Episodes.Zip(DatasetEpisodeLengths, (r, d) => Math.Max(0, r.Frames - d)).Sum()
        + Record.Episodes.Skip(DatasetEpisodeLengths.Count).Sum(e => e.Frames);

    /// <summary>The soak as a markdown table (docs/benchmarks.md, "Reliability").</summary>
    public string ToMarkdown(FaultSoakOptions options, TimeSpan elapsed)
    {
        var loop = Record.Loop;
        var lines = new List<string>
        {
            $"### fault soak: {elapsed.TotalMinutes:F1} min, {Record.Episodes.Count} episodes × {options.EpisodeTimeS} s at 30 fps, so101_follower + so101_leader on pseudo-terminals, video_file camera {options.CameraWidth}×{options.CameraHeight}",
            "| measure | value |",
            "|---|---|",
            $"| ticks (loop) / overruns | {loop.Ticks} / {loop.Overruns} |",
            $"| injected faults, follower: replies cut short / bad checksums / late ({options.LateMs} ms) | {FollowerFaults.Dropped} / {FollowerFaults.Corrupted} / {FollowerFaults.Delayed} |",
            $"| injected faults, leader: replies cut short / bad checksums / late | {LeaderFaults.Dropped} / {LeaderFaults.Corrupted} / {LeaderFaults.Delayed} |",
            $"| status error bits: windows injected / warnings logged by the driver | {ErrorBitWindows} / {ErrorBitWarnings} |",
            $"| transactions that succeeded on a retry | {Retries} |",
            $"| episodes saved / in the dataset (read back) | {Record.Episodes.Count} / {DatasetEpisodes} |",
            $"| frames saved / expected by time ({ExpectedFramesPerEpisode} per episode) | {Record.Frames} / {(long)ExpectedFramesPerEpisode * Record.Episodes.Count} |",
            $"| frames lost in completed episodes (goal 0) | {FramesLost} |",
            $"| largest gap between frames (loop period max) / p99 | {loop.PeriodMaxMs:F1} / {loop.PeriodP99Ms:F1} ms (target {loop.TargetPeriodMs:F1}) |",
            $"| camera frames reused (no new frame that tick) | {Record.Episodes.Sum(e => e.CameraRepeats)} |",
            $"| episode save p50 / max | {RobotHost.Control.RateLoop.Percentile(Record.Episodes.Select(e => e.SaveS * 1000).ToList(), 50):F0} / {Record.Episodes.Select(e => e.SaveS * 1000).DefaultIfEmpty(0).Max():F0} ms |",
            $"| dataset open (LeRobot reader) | {ReaderOpenS:F2} s |",
            $"| working set start / end (goal: flat) | {WorkingSetStartMb:F0} / {WorkingSetEndMb:F0} MB |",
            $"| GC heap after a full collection, start / end (goal: flat) | {GcHeapStartMb:F1} / {GcHeapEndMb:F1} MB |",
            $"| follower torque off at the end | {(FollowerTorqueOffAtEnd ? "yes" : "NO")} |",
            $"| load average (1 min) at the end | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} |",
        };
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// The fault soak: <c>robothost record</c>'s own <see cref="Recorder"/> on the real so101_follower and so101_leader
/// drivers (loaded through the plugin host) against two virtual STS3215 arms on pseudo-terminals, both buses damaged
/// at random (replies cut short, bad checksums, late replies) and follower servos reporting status error bits in
/// turn, with a <c>video_file</c> camera playing an ffmpeg test pattern, into a LeRobot v3.0 dataset. Used by the
/// benchmark (<c>soak</c>, 30 minutes) and by a short test.
/// </summary>
public static class FaultSoak
{
    public static FaultSoakResult Run(FaultSoakOptions options, Action<string>? say = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(options.Home);
        var clip = Path.Combine(options.Home, "camera.mp4");
        MakeClip(clip, options.CameraWidth, options.CameraHeight);
        using var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(options.Home),
            PluginDirectories = [options.PluginDirectory],
            IncludeDefaultPluginDirectories = false,
        });
        session.Catalog.Find(ComponentKind.Robot, "so101_follower"); // loads the plugins
        var virtualArm = VirtualArmType(session);
        var calibration = Path.Combine(options.Home, "calibration");
        Directory.CreateDirectory(calibration);
        using var follower = (IDisposable)StartArm(virtualArm, calibration, "soak_follower");
        using var leader = (IDisposable)StartArm(virtualArm, calibration, "soak_leader");
        dynamic followerBus = follower, leaderBus = leader;
        var rates = virtualArm.Assembly.GetType("RobotHost.Plugins.Robots.SO101.Virtual.VirtualFaultRates", throwOnError: true)!;
        object Rates(int seed) => Activator.CreateInstance(rates, options.Drop, options.Checksum, options.Late, TimeSpan.FromMilliseconds(options.LateMs), 3, seed)!;
        followerBus.Servos.SetFaultRates((dynamic)Rates(options.Seed));
        leaderBus.Servos.SetFaultRates((dynamic)Rates(options.Seed + 1));

        var cycle = options.EpisodeTimeS + options.ResetTimeS;
        var episodes = Math.Max(1, (int)(options.Duration.TotalSeconds / cycle));
        var armOptions = (string id, string port) => new Dictionary<string, string>
        {
            ["port"] = port, ["id"] = id, ["calibration_dir"] = calibration,
            ["num_read_retries"] = options.ReadRetries.ToString(CultureInfo.InvariantCulture),
        };
        var record = new RecordOptions
        {
            RobotKey = "so101_follower", RobotOptions = armOptions("soak_follower", (string)followerBus.PortPath),
            TeleopKey = "so101_leader", TeleopOptions = armOptions("soak_leader", (string)leaderBus.PortPath),
            CameraKeys = ["video_file"], CameraOptions = [new Dictionary<string, string> { ["path"] = clip, ["name"] = "front" }],
            Root = Path.Combine(options.Home, "dataset"), Episodes = episodes, EpisodeTimeS = options.EpisodeTimeS,
            ResetTimeS = options.ResetTimeS, Fps = 30, Realtime = true, Task = "fault soak",
        };

        var (workingSetStart, heapStart) = Memory();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var windows = 0;
        var disturb = Task.Run(() => windows = Disturb(followerBus, leaderBus, options, stop.Token));
        RecordResult result;
        try
        {
            say?.Invoke($"recording {episodes} episodes of {options.EpisodeTimeS} s into {record.Root}");
            result = new Recorder(session.CreateLogger("RobotHost.Recording")).Record(session, record, cancel: cancel);
        }
        finally
        {
            stop.Cancel();
            disturb.Wait();
        }
        var (workingSetEnd, heapEnd) = Memory();
        var torqueOff = ((System.Collections.IEnumerable)followerBus.Servos.Servos).Cast<dynamic>().All(s => !(bool)s.TorqueEnabled);
        (int, int, int) Counts(dynamic bus) { var c = bus.Servos.RandomFaultsInjected; return ((int)c.Item1, (int)c.Item2, (int)c.Item3); }

        var open = Stopwatch.StartNew();
        using var reader = session.Catalog.DatasetFormat("lerobot").Open(record.Root);
        var openS = open.Elapsed.TotalSeconds;
        var lengths = reader.Episodes.Select(e => e.Length).ToList();
        // Every saved frame is there and decodes: the first and last of each episode, images included.
        foreach (var e in reader.Episodes)
            foreach (var i in new[] { e.FromIndex, e.ToIndex - 1 })
                if (reader.GetFrame(i).Images.Count != 1) throw new InvalidOperationException($"frame {i} of episode {e.EpisodeIndex} has no camera image");

        // The file sink flushes every event; the driver logs retries at debug level, status bits as warnings.
        var log = session.Logging.LogFile;
        var logText = string.Join("\n", Directory.GetFiles(Path.GetDirectoryName(log)!, "*.log").Select(ReadShared));
        return new FaultSoakResult(result, (int)Math.Round(options.EpisodeTimeS * 30), Counts(followerBus), Counts(leaderBus), windows,
            Count(logText, "(status bits 0x"), Count(logText, "succeeded on attempt"), reader.Episodes.Count, lengths, openS, torqueOff,
            workingSetStart, workingSetEnd, heapStart, heapEnd);
    }

    /// <summary>Moves the leader as a person would and raises status error bits on follower servos in turn; returns the windows raised.</summary>
    private static int Disturb(dynamic followerBus, dynamic leaderBus, FaultSoakOptions options, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var windows = 0;
        var leaderServos = ((System.Collections.IEnumerable)leaderBus.Servos.Servos).Cast<dynamic>().ToList();
        var bitsType = ((object)followerBus.Servos[1].InjectedError).GetType();
        // Voltage and angle: reported as warnings, the servo keeps its torque (the severe bits would end the session).
        object[] kinds = [Enum.Parse(bitsType, "InputVoltage"), Enum.Parse(bitsType, "Angle")];
        dynamic? raised = null;
        var raisedUntil = 0.0;
        while (!stop.WaitHandle.WaitOne(20))
        {
            var t = clock.Elapsed.TotalSeconds;
            foreach (var servo in leaderServos)
                if (!(bool)servo.TorqueEnabled)
                    servo.MoveByHand(2047 + (int)(280 * Math.Sin(t * (0.3 + 0.1 * (int)servo.Id))));
            if (raised is not null && t >= raisedUntil)
            {
                raised.InjectedError = (dynamic)Enum.ToObject(bitsType, 0);
                raised = null;
            }
            if (raised is null && t >= (windows + 1) * options.ErrorBitsEveryS)
            {
                raised = followerBus.Servos[windows % 6 + 1];
                raised!.InjectedError = (dynamic)kinds[windows % 2];
                raisedUntil = t + options.ErrorBitsForS;
                windows++;
            }
        }
        if (raised is not null) raised.InjectedError = (dynamic)Enum.ToObject(bitsType, 0);
        return windows;
    }

    private static Type VirtualArmType(HostSession session)
    {
        var pluginPath = session.Plugins.Loaded.Single(p => Path.GetFileName(p.AssemblyPath) == "Robots.SO101.dll").AssemblyPath;
        // The virtual arm's classes from the very assembly the plugin host loaded (type identity under plugin loading).
        var plugin = System.Runtime.Loader.AssemblyLoadContext.All.SelectMany(c => c.Assemblies)
            .First(a => !a.IsDynamic && a.Location.Length > 0 && string.Equals(Path.GetFullPath(a.Location), Path.GetFullPath(pluginPath), StringComparison.Ordinal));
        return plugin.GetType("RobotHost.Plugins.Robots.SO101.Virtual.VirtualSo101", throwOnError: true)!;
    }

    private static object StartArm(Type virtualArm, string calibrationDir, string id)
    {
        try
        {
            return virtualArm.GetMethod("StartCalibratedArm")!.Invoke(null, [calibrationDir, id, null])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static void MakeClip(string path, int width, int height)
    {
        var info = new ProcessStartInfo("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate=30", "-t", "10",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", path]) { RedirectStandardError = true };
        using var ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("could not start ffmpeg");
        var error = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make the camera clip {path}: {error}");
    }

    private static (double WorkingSetMb, double GcHeapMb) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return (self.WorkingSet64 / 1048576.0, GC.GetTotalMemory(forceFullCollection: true) / 1048576.0);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
