using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RobotHost.Control;
using RobotHost.Plugins;
using RobotHost.Sdk;
using ScottPlot;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost dataset info|plot|convert|replay</c>: look into a dataset (any registered format, found with
/// <c>Catalog.DatasetFormatFor</c>), plot an episode, write a v3.0 copy, or play an episode's actions on a robot.
/// </summary>
public static class DatasetCommand
{
    /// <summary>Builds the command and its sub-commands.</summary>
    public static Command Create()
    {
        var command = new Command("dataset", "Inspect, plot, convert (v2.1 → v3.0, h264 → av1) and replay LeRobot datasets");
        command.Add(Info());
        command.Add(Plot());
        command.Add(Convert());
        command.Add(Replay());
        command.Add(DatasetCheckCommand.Create());
        return command;
    }

    private static Argument<string> RootArgument(string name = "root") => new(name) { Description = "Dataset folder (holds meta/info.json)" };

    private static IDatasetReader OpenReader(HostSession session, string root) => session.Catalog.DatasetFormatFor(root).Open(root);

    private static Command Info()
    {
        var root = RootArgument();
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON" };
        var command = new Command("info", "Totals, features, tasks and per-episode lengths of a dataset") { root, json };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            using var reader = OpenReader(session, parse.GetValue(root)!);
            Console.WriteLine(parse.GetValue(json) ? InfoJson(reader).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : InfoText(reader));
            return 0;
        }));
        return command;
    }

    /// <summary>The dataset summary as JSON: root, robot_type, fps, totals, features, tasks, episodes [{index, length, tasks}].</summary>
    public static JsonObject InfoJson(IDatasetReader reader) => new()
    {
        ["root"] = reader.Root,
        ["robot_type"] = reader.Schema.RobotType,
        ["fps"] = reader.Schema.Fps,
        ["total_episodes"] = reader.Episodes.Count,
        ["total_frames"] = reader.TotalFrames,
        ["total_tasks"] = reader.Tasks.Count,
        ["duration_s"] = Math.Round(reader.TotalFrames / (double)reader.Schema.Fps, 3),
        ["features"] = new JsonObject(reader.Schema.Features.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)new JsonObject
        {
            ["dtype"] = f.DType,
            ["shape"] = new JsonArray(f.Shape.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            ["names"] = f.Names is null ? null : new JsonArray(f.Names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
        }))),
        ["tasks"] = new JsonArray(reader.Tasks.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        ["episodes"] = new JsonArray(reader.Episodes.Select(e => (JsonNode)new JsonObject
        {
            ["episode_index"] = e.EpisodeIndex,
            ["length"] = e.Length,
            ["from_index"] = e.FromIndex,
            ["to_index"] = e.ToIndex,
            ["tasks"] = new JsonArray(e.Tasks.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        }).ToArray()),
    };

    private static string InfoText(IDatasetReader reader)
    {
        var lines = new List<string>
        {
            $"{reader.Root}",
            $"robot {reader.Schema.RobotType}, {reader.Schema.Fps} fps, {reader.Episodes.Count} episodes, {reader.TotalFrames} frames ({reader.TotalFrames / (double)reader.Schema.Fps:F1} s), {reader.Tasks.Count} tasks",
            "features:",
        };
        foreach (var f in reader.Schema.Features)
            lines.Add($"  {f.Key,-32} {f.DType,-8} [{string.Join(", ", f.Shape)}]{(f.Names is null || f.IsVisual ? "" : "  " + string.Join(", ", f.Names))}");
        lines.Add("tasks:");
        for (var i = 0; i < reader.Tasks.Count; i++) lines.Add($"  {i,3}  {reader.Tasks[i]}");
        lines.Add("episodes (index: frames):");
        if (reader.Episodes.Count > 0)
        {
            var lengths = reader.Episodes.Select(e => e.Length).ToList();
            lines.Add($"  min {lengths.Min()}, mean {lengths.Average():F1}, max {lengths.Max()}");
            lines.AddRange(reader.Episodes.Chunk(8).Select(row => "  " + string.Join("  ", row.Select(e => $"{e.EpisodeIndex,4}: {e.Length,-5}"))));
        }
        return string.Join(Environment.NewLine, lines);
    }

    private static Command Plot()
    {
        var root = RootArgument();
        var episode = new Option<int>("--episode", "-e") { Description = "Episode index", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out", "-o") { Description = "PNG path (default: episode_<N>.png in the current folder)" };
        var command = new Command("plot", "Write a PNG of an episode's joint states (solid) and actions (dashed) over time") { root, episode, output };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            using var reader = OpenReader(session, parse.GetValue(root)!);
            var path = PlotEpisode(reader, parse.GetValue(episode), parse.GetValue(output) ?? $"episode_{parse.GetValue(episode)}.png");
            Console.WriteLine($"wrote {path}");
            return 0;
        }));
        return command;
    }

    /// <summary>Plots one episode's observation.state (solid) and action (dashed) per joint; returns the PNG path.</summary>
    public static string PlotEpisode(IDatasetReader reader, int episodeIndex, string path)
    {
        var episode = FindEpisode(reader, episodeIndex);
        var frames = Enumerable.Range(0, episode.Length).Select(i => reader.GetFrame(episode.FromIndex + i, withImages: false)).ToList();
        var times = frames.Select(f => f.Timestamp).ToArray();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var vectorKeys = new[] { FeatureKeys.State, FeatureKeys.Action }.Where(k => reader.Schema.Features.Any(f => f.Key == k)).ToList();
        if (vectorKeys.Count == 0)
            throw new RobotHostException($"dataset {reader.Root} has neither observation.state nor action to plot");
        foreach (var key in vectorKeys)
        {
            var feature = reader.Schema[key];
            for (var j = 0; j < feature.ElementCount; j++)
            {
                var ys = frames.Select(f => (double)f.Values[key][j]).ToArray();
                var line = plot.Add.Scatter(times, ys);
                line.MarkerSize = 0;
                line.LineWidth = key == FeatureKeys.Action ? 1.2f : 2f;
                line.Color = palette.GetColor(j);
                if (key == FeatureKeys.Action) line.LinePattern = LinePattern.Dashed;
                var name = feature.Names is { } names && j < names.Count ? names[j] : $"{j}";
                line.LegendText = key == FeatureKeys.Action ? $"action {name}" : name;
            }
        }
        plot.ShowLegend(Edge.Right);
        plot.Title($"episode {episode.EpisodeIndex} ({episode.Length} frames, {string.Join("; ", episode.Tasks)}): state solid, action dashed");
        plot.XLabel("time (s)");
        plot.YLabel("joint position");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        plot.SavePng(path, 1200, 600);
        return path;
    }

    private static EpisodeInfo FindEpisode(IDatasetReader reader, int index) =>
        reader.Episodes.FirstOrDefault(e => e.EpisodeIndex == index)
        ?? throw new RobotHostException($"dataset {reader.Root} has no episode {index} (episodes 0..{reader.Episodes.Count - 1})");

    private static Command Convert()
    {
        var source = RootArgument("source");
        var destination = new Argument<string>("destination") { Description = "New dataset folder (must not hold a dataset)" };
        var codec = new Option<string>("--codec") { Description = "Video codec of the copy: h264 (fast to write) or av1 (LeRobot's default, smaller)", DefaultValueFactory = _ => "h264" };
        var command = new Command("convert", "Write a LeRobot v3.0 copy of a dataset (from v2.1, or re-encoded to another codec)") { source, destination, codec };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            var from = parse.GetValue(source)!;
            var to = parse.GetValue(destination)!;
            var log = session.CreateLogger("dataset.convert");
            var clock = Stopwatch.StartNew();
            using var reader = OpenReader(session, from);
            // The copy is written by the format that reads the source (it converts its own older versions).
            var format = session.Catalog.DatasetFormatFor(from);
            using (var writer = format.Create(to, reader.Schema, new DatasetWriterOptions { VideoCodec = parse.GetValue(codec)! }))
            {
                foreach (var episode in reader.Episodes)
                {
                    for (var i = episode.FromIndex; i < episode.ToIndex; i++)
                        writer.AddFrame(reader.GetFrame(i, withImages: true));
                    var first = reader.GetFrame(episode.FromIndex, withImages: false);
                    var task = episode.Tasks.FirstOrDefault() ?? (first.TaskIndex < reader.Tasks.Count ? reader.Tasks[(int)first.TaskIndex] : "");
                    writer.SaveEpisode(task);
                    Console.Error.Write($"\rconverted episode {episode.EpisodeIndex + 1}/{reader.Episodes.Count}");
                }
            }
            Console.Error.WriteLine();
            log.LogInformation("Converted {Source} to {Destination} in {Seconds:F1} s", from, to, clock.Elapsed.TotalSeconds);
            Console.WriteLine($"wrote {to}: {reader.Episodes.Count} episodes, {reader.TotalFrames} frames, {parse.GetValue(codec)} video ({clock.Elapsed.TotalSeconds:F1} s)");
            return 0;
        }));
        return command;
    }

    private static Command Replay()
    {
        var root = RootArgument();
        var episode = new Option<int>("--episode", "-e") { Description = "Episode index", DefaultValueFactory = _ => 0 };
        var robot = new Option<string>("--robot") { Description = "Robot key (e.g. so101_follower, sim_so101)", Required = true };
        var robotOptions = new Option<string[]>("--robot-option") { Description = "Robot config key=value (repeatable), e.g. port=/dev/ttyACM0", AllowMultipleArgumentsPerToken = false };
        var command = new Command("replay", "Send an episode's recorded actions to a robot at the dataset's frame rate (torque off at the end, on Ctrl+C and on errors)")
        {
            root, episode, robot, robotOptions,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                using var reader = OpenReader(session, parse.GetValue(root)!);
                CliApp.WarnIfInterruptIgnored(session, stop);
                var sent = ReplayEpisode(reader, parse.GetValue(episode), session.Catalog, parse.GetValue(robot)!,
                    ConfigBinder.ParseOptions(parse.GetValue(robotOptions)), session.CreateLogger("dataset.replay"), stop.Token);
                Console.WriteLine($"replayed {sent} actions of episode {parse.GetValue(episode)}");
                return 0;
            });
        });
        return command;
    }

    /// <summary>Sends an episode's actions to a robot at the dataset fps; torque goes off on every exit path. Returns actions sent.</summary>
    public static int ReplayEpisode(IDatasetReader reader, int episodeIndex, ComponentCatalog catalog, string robotKey,
        IReadOnlyDictionary<string, string> robotOptions, ILogger log, CancellationToken cancel)
    {
        var episode = FindEpisode(reader, episodeIndex);
        var actionFeature = reader.Schema[FeatureKeys.Action];
        var names = actionFeature.Names ?? throw new RobotHostException($"dataset {reader.Root} has no joint names for 'action'; cannot map it to a robot");
        using var rig = Rig.Create(catalog, new RigSpec(robotKey, robotOptions), log);
        var robotNames = rig.Robot.ActionFeature.Names ?? names;
        var missing = robotNames.Except(names).ToList();
        if (missing.Count > 0)
            throw new RobotHostException($"robot '{robotKey}' expects actions {string.Join(", ", missing)} that dataset {reader.Root} does not have ({string.Join(", ", names)})");
        // Torque goes off whatever happens (end, Ctrl+C, a motor error): the rig disconnects the robot on dispose.
        rig.Connect();
        var clock = Stopwatch.StartNew();
        var sent = (int)new RateLoop(reader.Schema.Fps).Run(i =>
        {
            var vector = reader.GetFrame(episode.FromIndex + (int)i, withImages: false).Values[FeatureKeys.Action];
            rig.Robot.SendAction(RobotAction.FromVector(names, vector));
            return episode.FromIndex + i + 1 < episode.ToIndex;
        }, cancel);
        log.LogInformation("Replayed episode {Episode} ({Frames} actions) on {Robot} in {Seconds:F2} s", episode.EpisodeIndex, sent, robotKey, clock.Elapsed.TotalSeconds);
        return sent;
    }
}
