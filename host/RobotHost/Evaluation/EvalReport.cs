using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobotHost.Evaluation;

/// <summary>Tables and files of an evaluation: <c>eval.json</c>, <c>success_by_condition.png</c>, <c>trajectories.png</c>.</summary>
public static class EvalReport
{
    /// <summary>JSON settings of <c>eval.json</c>: snake_case like LeRobot's eval_info.json, indented.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The result as JSON (aggregates, per-condition breakdown, every rollout, files).</summary>
    public static string ToJson(EvalResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>Writes JSON and plots (and lists the videos) in the output folder; returns the result with its files.</summary>
    public static EvalResult WriteFiles(EvalResult result, EvalOptions options, IReadOnlyList<string> videos)
    {
        var dir = options.OutputDir!;
        var files = new List<string>();
        if (options.Plots)
        {
            files.Add(EvalPlots.SuccessByCondition(result, Path.Combine(dir, "success_by_condition.png")));
            if (result.Episodes.Any(e => e.Trajectory.Count > 1))
            {
                files.Add(EvalPlots.Trajectories(result, Path.Combine(dir, "trajectories.png")));
                var trajectories = result.Episodes.Select(e => new { e.Episode, e.Seed, e.Success, e.Collided, x = e.Trajectory.Select(p => p.X), y = e.Trajectory.Select(p => p.Y) });
                var trajectoryPath = Path.Combine(dir, "trajectories.json");
                File.WriteAllText(trajectoryPath, JsonSerializer.Serialize(trajectories, Json));
                files.Add(trajectoryPath);
            }
        }
        files.AddRange(videos);
        var jsonPath = Path.Combine(dir, "eval.json");
        files.Insert(0, jsonPath);
        result = result with { Files = files.Select(Path.GetFullPath).ToList() };
        File.WriteAllText(jsonPath, ToJson(result));
        return result;
    }

    /// <summary>A text table: the summary, then one row per condition.</summary>
    public static string ToTable(EvalResult result)
    {
        var rows = new List<string[]> { new[] { "condition", "episodes", "success", "95% interval", "mean length" } };
        foreach (var c in result.ByCondition)
            rows.Add([c.Condition, c.Episodes.ToString(CultureInfo.InvariantCulture), $"{c.SuccessRate:P0}", c.Interval.ToString(), c.MeanLength.ToString("F0", CultureInfo.InvariantCulture)]);
        rows.Add(["all", result.EpisodeCount.ToString(CultureInfo.InvariantCulture), $"{result.SuccessRate:P0}", result.Interval.ToString(), result.MeanLength.ToString("F0", CultureInfo.InvariantCulture)]);
        var text = new StringBuilder();
        text.AppendLine($"{result.Label} on {result.Env}, {result.EpisodeCount} rollouts from seed {result.Seed} ({result.Seconds:F1} s)");
        text.Append(TextTable.Format(rows));
        text.AppendLine($"average max reward {result.AverageMaxReward:F3}" +
                        (result.Collisions is { } c2 ? $", collisions {c2}/{result.EpisodeCount}" : "") +
                        (result.InvalidActionEpisodes > 0 ? $", invalid-action rollouts {result.InvalidActionEpisodes}" : ""));
        text.AppendLine($"chunks {result.ChunkExecution}{(result.RtcMethod is { } method ? $" ({method})" : "")}, inference delay {result.InferenceDelayMs} ms, held {result.HeldTicks} ticks; {result.Smoothness}");
        return text.ToString();
    }
}
