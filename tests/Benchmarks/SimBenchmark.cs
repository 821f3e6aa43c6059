using System.Diagnostics;
using RobotHost.Plugins.Sim.SO101;
using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Plugins.Sim.SO101.Rendering;
using RobotHost.Sdk;

namespace RobotHost.Benchmarks;

/// <summary>
/// Speed of the simulated SO-101 rig (figures for docs/benchmarks.md): environment steps per second without cameras
/// and with two 96×96 cameras (goals ≥ 1000 and ≥ 300 on the 2-core VM), the robot path as the recorder drives it,
/// and single renders. Every loop runs whole scripted-expert episodes, expert planning and IK included.
/// </summary>
internal static class SimBenchmark
{
    public static void Run(string[] args)
    {
        var seconds = args.Length > 0 && double.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 3;
        // Wall-clock rates depend on what else the shared machine runs; CPU time per step does not (much), so both are shown.
        Console.WriteLine($"load average at start: {LoadAverage()}");
        Console.WriteLine("| measure | steps/s (wall) | steps per CPU-second | CPU µs/step |");
        Console.WriteLine("|---|---|---|---|");
        Row("pick_place env, state only (expert + step)", seconds, () => new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" }));
        Row("pick_place env, front+wrist 96×96 (expert + step + 2 renders)", seconds, () => new PickPlaceEnvironment(new PickPlaceEnvConfig()));
        Row("pick_place env, front+wrist 96×96, noise 3 + colour jitter", seconds, () => new PickPlaceEnvironment(new PickPlaceEnvConfig { Noise = 3, ColorJitter = 0.05 }));
        Row("obstacle_2d env, state only", seconds, () => new ObstacleEnvironment(new ObstacleEnvConfig()));
        Row("obstacle_2d env, top 96×96", seconds, () => new ObstacleEnvironment(new ObstacleEnvConfig { Cameras = "top" }));
        RobotPath("robot path (sim_so101 + sim_expert + sim_front/sim_wrist 96×96), recorder-style, no realtime", seconds, 96, 96);
        RobotPath("robot path, cameras 640×480 (recording default)", seconds, 640, 480);
        Render(RigView.Front, 96, 96, seconds);
        Render(RigView.Wrist, 96, 96, seconds);
        Render(RigView.Front, 640, 480, seconds);
    }

    private static void Row(string name, double seconds, Func<IEnvironment> create)
    {
        using var env = create();
        var expert = (IScriptedExpert)env;
        Loop(1, () => Episode(env, expert, 0)); // warm-up (JIT, OpenCV init)
        var seed = 0;
        var (steps, elapsed) = Loop(seconds, () => Episode(env, expert, seed++));
        Print(name, steps, elapsed);
    }

    private static int Episode(IEnvironment env, IScriptedExpert expert, int seed)
    {
        var result = env.Reset(seed);
        var steps = 0;
        while (!result.Done)
        {
            result = env.Step(expert.ExpertAction());
            steps++;
        }
        return steps;
    }

    private static void RobotPath(string name, double seconds, int width, int height)
    {
        var module = new SimSo101Module();
        var world = module.Rigs.Get("bench");
        using var robot = new SimRobot(new SimRobotConfig { Rig = "bench" }, world, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var front = new SimCamera(new SimFrontCameraConfig { Rig = "bench", Width = width, Height = height }, world, RigView.Front);
        using var wrist = new SimCamera(new SimWristCameraConfig { Rig = "bench", Width = width, Height = height }, world, RigView.Wrist);
        using var expert = new SimExpertTeleoperator(new SimExpertConfig { Rig = "bench" }, world);
        robot.Connect();
        front.Connect();
        wrist.Connect();
        expert.Connect();
        var names = robot.StateFeature.Names!;
        var episode = 0;
        int Run()
        {
            foreach (var c in new IEpisodeAware[] { robot, front, wrist, expert }) c.OnEpisodeStart(episode, episode);
            episode++;
            var steps = 0;
            while (!robot.Done && steps < 400)
            {
                _ = robot.GetObservation().ToVector(names);
                _ = front.ReadLatest();
                _ = wrist.ReadLatest();
                robot.SendAction(expert.GetAction());
                steps++;
            }
            return steps;
        }
        Loop(1, Run);
        var (total, elapsed) = Loop(seconds, Run);
        Print(name, total, elapsed);
    }

    private static void Render(RigView view, int width, int height, double seconds)
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        env.Reset(3);
        for (var i = 0; i < 60; i++) env.Step(env.ExpertAction());
        var scene = env.World.Snapshot();
        using var renderer = new PickPlaceRenderer(view, width, height);
        Loop(0.5, () => { renderer.Render(scene); return 1; });
        var (n, elapsed) = Loop(seconds / 2, () => { renderer.Render(scene); return 1; });
        Print($"one {view.ToString().ToLowerInvariant()} render {width}×{height} (frames)", n, elapsed);
    }

    private static double _cpuSeconds;

    private static (long Steps, double Seconds) Loop(double seconds, Func<int> body)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        long steps = 0;
        while (sw.Elapsed.TotalSeconds < seconds) steps += body();
        _cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return (steps, sw.Elapsed.TotalSeconds);
    }

    private static void Print(string name, long steps, double seconds) =>
        Console.WriteLine($"| {name} | {steps / seconds:F0} | {steps / _cpuSeconds:F0} | {_cpuSeconds / steps * 1e6:F0} |");

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
    }
}
