using OpenCvSharp;
using RobotHost.Plugins.Sim.SO101.Obstacle;
using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Plugins.Sim.SO101.Rendering;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// <c>robothost sim-snapshot --task pick_place --seed 3 --out DIR [--width 640 --height 480 --steps 0]</c>:
/// writes one PNG per camera of the scene for a seed (after the scripted expert ran <c>--steps</c> ticks), so a person
/// can look at what the simulator shows policies.
/// </summary>
public static class SimSnapshotCommand
{
    public const string Usage = "usage: robothost sim-snapshot --task pick_place|obstacle_2d --seed N --out DIR [--width W] [--height H] [--steps N] [--noise S] [--framing table|zones]";

    public static int Run(IReadOnlyList<string> args, IPluginContext context, CancellationToken cancel)
    {
        var options = Parse(args);
        var task = options.GetValueOrDefault("task", "pick_place");
        var seed = Int(options, "seed", 0);
        var steps = Int(options, "steps", 0);
        var outDir = options.TryGetValue("out", out var o) ? o : throw new RobotHostException("sim-snapshot needs --out DIR (the folder for the PNGs); " + Usage);
        var width = Int(options, "width", task == "obstacle_2d" ? 480 : 640);
        var height = Int(options, "height", 480);
        var noise = options.TryGetValue("noise", out var n) && double.TryParse(n, System.Globalization.CultureInfo.InvariantCulture, out var nv) ? nv : 0;
        var framing = options.GetValueOrDefault("framing", "table");
        if (SimConfigRules.Framing("--framing", framing).FirstOrDefault() is { } bad) throw new RobotHostException(bad);
        if (width is < 8 or > 4096 || height is < 8 or > 4096) throw new RobotHostException($"--width and --height must be between 8 and 4096, got {width}×{height}");
        Directory.CreateDirectory(outDir);
        var written = task switch
        {
            "pick_place" => PickPlace(seed, steps, width, height, noise, outDir, cancel, SimConfigRules.ParseFraming(framing)),
            "obstacle_2d" => Obstacle(seed, steps, width, height, outDir, cancel),
            _ => throw new RobotHostException($"sim-snapshot has no task '{task}'; use --task pick_place or --task obstacle_2d"),
        };
        foreach (var path in written) context.Operator.Say($"wrote {path}");
        return 0;
    }

    /// <summary>Renders the pick-and-place cameras for a seed; returns the PNG paths.</summary>
    public static IReadOnlyList<string> PickPlace(int seed, int steps, int width, int height, double noise, string outDir, CancellationToken cancel = default,
        FrontFraming framing = FrontFraming.Table)
    {
        var world = new PickPlaceWorld();
        world.BeginEpisode(0, seed);
        var expert = new PickPlaceExpert(new ExpertOptions());
        for (var i = 0; i < steps && !cancel.IsCancellationRequested; i++) world.Step(expert.Action(world));
        var scene = world.Snapshot();
        var paths = new List<string>();
        foreach (var view in new[] { RigView.Front, RigView.Wrist })
        {
            using var renderer = new PickPlaceRenderer(view, width, height, noise, framing: framing);
            var path = Path.Combine(outDir, $"pick_place-seed{seed}-{view.ToString().ToLowerInvariant()}.png");
            WritePng(path, renderer.Render(scene), width, height);
            paths.Add(path);
        }
        return paths;
    }

    private static IReadOnlyList<string> Obstacle(int seed, int steps, int width, int height, string outDir, CancellationToken cancel)
    {
        var world = new ObstacleWorld();
        world.Reset(seed);
        var expert = new ObstacleExpert();
        expert.Plan(world);
        for (var i = 0; i < steps && !cancel.IsCancellationRequested; i++)
        {
            world.Step(expert.Action(world)[0]);
        }
        using var renderer = new ObstacleRenderer(width, height);
        var path = Path.Combine(outDir, $"obstacle_2d-seed{seed}-top.png");
        WritePng(path, renderer.Render(world), width, height);
        return [path];
    }

    /// <summary>Writes RGB (HWC) bytes as a PNG.</summary>
    public static void WritePng(string path, byte[] rgb, int width, int height)
    {
        using var image = Mat.FromPixelData(height, width, MatType.CV_8UC3, rgb);
        using var bgr = new Mat();
        Cv2.CvtColor(image, bgr, ColorConversionCodes.RGB2BGR);
        if (!Cv2.ImWrite(path, bgr)) throw new RobotHostException($"could not write '{path}'; check the --out folder is writable");
    }

    private static Dictionary<string, string> Parse(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help") throw new RobotHostException(Usage);
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new RobotHostException($"unexpected '{arg}'; " + Usage);
            var eq = arg.IndexOf('=');
            if (eq > 0) options[arg[2..eq]] = arg[(eq + 1)..];
            else if (i + 1 < args.Count) options[arg[2..]] = args[++i];
            else throw new RobotHostException($"{arg} needs a value; " + Usage);
        }
        return options;
    }

    private static int Int(Dictionary<string, string> options, string name, int fallback)
    {
        if (!options.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RobotHostException($"--{name} must be a whole number, got '{text}'");
    }
}
