using System.Text.Json.Nodes;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Per-episode and aggregated feature statistics as LeRobot computes them (lerobot/datasets/compute_stats.py):
/// min, max, mean, std (population), count and q01…q99, per element for vectors and per channel in [0,1] for images.
/// </summary>
public static class DatasetStatistics
{
    /// <summary>Statistics of a vector feature over one episode's rows (exact quantiles, numpy's linear rule).</summary>
    public static FeatureStats ForVectors(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows", nameof(rows));
        var dims = rows[0].Length;
        var min = new double[dims]; var max = new double[dims]; var mean = new double[dims]; var std = new double[dims];
        var quantiles = LeRobotLayout.Quantiles.ToDictionary(q => q.Name, _ => new double[dims]);
        var column = new double[rows.Count];
        for (var d = 0; d < dims; d++)
        {
            double sum = 0;
            for (var r = 0; r < rows.Count; r++) { column[r] = rows[r][d]; sum += column[r]; }
            var m = sum / rows.Count;
            double sq = 0;
            for (var r = 0; r < rows.Count; r++) sq += (column[r] - m) * (column[r] - m);
            Array.Sort(column);
            min[d] = column[0]; max[d] = column[^1]; mean[d] = m; std[d] = Math.Sqrt(sq / rows.Count);
            foreach (var (name, q) in LeRobotLayout.Quantiles)
            {
                var pos = q * (rows.Count - 1);
                var lo = (int)Math.Floor(pos); var hi = Math.Min(lo + 1, rows.Count - 1);
                quantiles[name][d] = column[lo] + (column[hi] - column[lo]) * (pos - lo);
            }
        }
        return new FeatureStats(min, max, mean, std, rows.Count, quantiles);
    }

    /// <summary>
    /// Combines statistics as LeRobot's aggregate_feature_stats: count-weighted mean, parallel variance, min of mins,
    /// max of maxes; quantiles (not exactly recoverable) as count-weighted means.
    /// </summary>
    public static FeatureStats Aggregate(IReadOnlyList<FeatureStats> parts)
    {
        if (parts.Count == 1) return parts[0];
        var dims = parts[0].Mean.Length;
        var total = parts.Sum(p => p.Count);
        var mean = new double[dims]; var variance = new double[dims];
        var min = Enumerable.Range(0, dims).Select(d => parts.Min(p => p.Min[d])).ToArray();
        var max = Enumerable.Range(0, dims).Select(d => parts.Max(p => p.Max[d])).ToArray();
        for (var d = 0; d < dims; d++)
        {
            mean[d] = parts.Sum(p => p.Mean[d] * p.Count) / total;
            variance[d] = parts.Sum(p => (p.Std[d] * p.Std[d] + (p.Mean[d] - mean[d]) * (p.Mean[d] - mean[d])) * p.Count) / total;
        }
        var quantiles = new Dictionary<string, double[]>();
        foreach (var (name, _) in LeRobotLayout.Quantiles)
        {
            if (!parts.All(p => p.Quantiles.ContainsKey(name))) continue;
            quantiles[name] = Enumerable.Range(0, dims).Select(d => parts.Sum(p => p.Quantiles[name][d] * p.Count) / total).ToArray();
        }
        return new FeatureStats(min, max, mean, variance.Select(Math.Sqrt).ToArray(), total, quantiles);
    }

    /// <summary>Aggregates per-feature dictionaries (features missing from some parts are aggregated over the rest).</summary>
    public static Dictionary<string, FeatureStats> Aggregate(IEnumerable<IReadOnlyDictionary<string, FeatureStats>> parts)
    {
        var byKey = new Dictionary<string, List<FeatureStats>>();
        foreach (var part in parts)
            foreach (var (key, stats) in part)
                (byKey.TryGetValue(key, out var list) ? list : byKey[key] = []).Add(stats);
        return byKey.ToDictionary(kv => kv.Key, kv => Aggregate(kv.Value));
    }

    /// <summary>The stats.json object: per feature, per statistic, a list (images nested [3][1][1], count [n]).</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, FeatureStats> stats, Func<string, bool> isImage)
    {
        var root = new JsonObject();
        foreach (var (key, s) in stats)
        {
            var image = isImage(key);
            var feature = new JsonObject
            {
                ["min"] = Values(s.Min, image),
                ["max"] = Values(s.Max, image),
                ["mean"] = Values(s.Mean, image),
                ["std"] = Values(s.Std, image),
                ["count"] = new JsonArray(JsonValue.Create(s.Count)),
            };
            foreach (var (name, _) in LeRobotLayout.Quantiles)
                if (s.Quantiles.TryGetValue(name, out var q)) feature[name] = Values(q, image);
            root[key] = feature;
        }
        return root;
    }

    private static JsonArray Values(double[] values, bool image) => image
        ? new JsonArray(values.Select(v => (JsonNode)new JsonArray(new JsonArray(JsonValue.Create(v)))).ToArray())
        : new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>Reads stats.json (any nesting: values are flattened in order).</summary>
    public static Dictionary<string, FeatureStats> FromJson(JsonObject root)
    {
        var result = new Dictionary<string, FeatureStats>();
        foreach (var (key, node) in root)
        {
            if (node is not JsonObject feature || feature["mean"] is null) continue;
            double[] Get(string name) => feature[name] is { } n ? Flatten(n).ToArray() : [];
            var quantiles = LeRobotLayout.Quantiles.Where(q => feature[q.Name] is not null).ToDictionary(q => q.Name, q => Get(q.Name));
            var count = Get("count");
            result[key] = new FeatureStats(Get("min"), Get("max"), Get("mean"), Get("std"), count.Length > 0 ? (long)count[0] : 0, quantiles);
        }
        return result;
    }

    internal static IEnumerable<double> Flatten(JsonNode node) => node switch
    {
        JsonArray array => array.Where(n => n is not null).SelectMany(n => Flatten(n!)),
        JsonValue value => [value.GetValue<double>()],
        _ => [],
    };
}
