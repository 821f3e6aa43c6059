using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// The older LeRobot v2.1 layout: one parquet and one mp4 per episode, JSON-lines metadata
/// (meta/episodes.jsonl, meta/tasks.jsonl, meta/episodes_stats.jsonl).
/// </summary>
internal static partial class V21Layout
{
    public static (List<EpisodeRecord> Episodes, IReadOnlyList<string> Tasks, IReadOnlyDictionary<string, FeatureStats> Stats) Load(string root, JsonObject info, DatasetSchema schema)
    {
        var chunksSize = info["chunks_size"]?.GetValue<int>() ?? LeRobotLayout.ChunksSize;
        var dataTemplate = info["data_path"]?.GetValue<string>() ?? "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet";
        var videoTemplate = info["video_path"]?.GetValue<string>() ?? "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4";
        var tasks = JsonLines(Path.Combine(root, "meta", "tasks.jsonl"))
            .OrderBy(t => t["task_index"]!.GetValue<int>()).Select(t => t["task"]!.GetValue<string>()).ToList();
        var statsByEpisode = new Dictionary<int, Dictionary<string, FeatureStats>>();
        var statsPath = Path.Combine(root, "meta", "episodes_stats.jsonl");
        if (File.Exists(statsPath))
            foreach (var line in JsonLines(statsPath))
                statsByEpisode[line["episode_index"]!.GetValue<int>()] = DatasetStatistics.FromJson(line["stats"]!.AsObject());
        var episodes = new List<EpisodeRecord>();
        long from = 0;
        foreach (var line in JsonLines(Path.Combine(root, "meta", "episodes.jsonl")).OrderBy(l => l["episode_index"]!.GetValue<int>()))
        {
            var index = line["episode_index"]!.GetValue<int>();
            var length = line["length"]!.GetValue<int>();
            var chunk = index / chunksSize;
            var videos = schema.VisualFeatures.ToDictionary(f => f.Key, f => new VideoSpan(
                Path.Combine(root, Expand(videoTemplate, chunk, index, f.Key)), chunk, index, 0, (double)length / schema.Fps));
            episodes.Add(new EpisodeRecord(index, length, from, from + length,
                line["tasks"]?.AsArray().Select(t => t!.GetValue<string>()).ToArray() ?? [],
                chunk, index, Path.Combine(root, Expand(dataTemplate, chunk, index, "")), 0, 0, videos,
                statsByEpisode.TryGetValue(index, out var s) ? s : []));
            from += length;
        }
        var globalStats = Path.Combine(root, LeRobotLayout.StatsPath);
        IReadOnlyDictionary<string, FeatureStats> stats = File.Exists(globalStats)
            ? DatasetStatistics.FromJson(LeRobotMetadata.LoadJson(globalStats))
            : DatasetStatistics.Aggregate(episodes.Select(e => e.Stats));
        return (episodes, tasks, stats);
    }

    private static string Expand(string template, int chunk, int episode, string videoKey) => Placeholder().Replace(template, m => m.Groups[1].Value switch
    {
        "episode_chunk" or "chunk_index" => Pad(chunk, m.Groups[2].Value),
        "episode_index" or "file_index" => Pad(episode, m.Groups[2].Value),
        "video_key" => videoKey,
        _ => m.Value,
    });

    private static string Pad(int value, string format) => format.Length > 0 && format.EndsWith('d') ? value.ToString("D" + format.TrimStart(':', '0').TrimEnd('d').PadLeft(1, '0'), System.Globalization.CultureInfo.InvariantCulture) : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{(\w+)(:[0-9]*d)?\}")]
    private static partial Regex Placeholder();

    private static List<JsonObject> JsonLines(string path)
    {
        if (!File.Exists(path)) throw new RobotHostException($"{path} is missing; a v2.1 dataset needs meta/episodes.jsonl and meta/tasks.jsonl — copy meta/ again");
        var result = new List<JsonObject>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                result.Add(JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object"));
            }
            catch (JsonException e)
            {
                throw new RobotHostException($"{path} line {number} is corrupt ({e.Message}); copy it again from the original dataset", e);
            }
        }
        return result;
    }
}
