using System.Text.Json;
using RobotHost.Sdk;

namespace RobotHost.Learning.Normalization;

/// <summary>
/// Normalisation of a policy's vector features (state, action) from dataset statistics, saved with the checkpoint so
/// inference scales observations and actions exactly as training did. Images are scaled to [0, 1] and normalised
/// inside the vision encoder (ImageNet statistics), as in LeRobot.
/// </summary>
public sealed class FeatureNormalizer
{
    /// <summary>The file name inside a checkpoint folder.</summary>
    public const string FileName = "normalization.json";

    private readonly Dictionary<string, FeatureNormalization> _features;

    /// <summary>Creates a normalizer from per-feature statistics.</summary>
    public FeatureNormalizer(IReadOnlyDictionary<string, FeatureNormalization> features) => _features = new(features);

    /// <summary>Per-feature statistics.</summary>
    public IReadOnlyDictionary<string, FeatureNormalization> Features => _features;

    /// <summary>Builds a normalizer from a dataset's statistics for the given keys and modes.</summary>
    /// <exception cref="RobotHostException">A key has no statistics in the dataset.</exception>
    public static FeatureNormalizer FromStats(IReadOnlyDictionary<string, FeatureStats> stats, IReadOnlyDictionary<string, NormalizationMode> modes)
    {
        var result = new Dictionary<string, FeatureNormalization>();
        foreach (var (key, mode) in modes)
        {
            if (!stats.TryGetValue(key, out var s))
                throw new RobotHostException($"dataset has no statistics for '{key}' (meta/stats.json); recompute the dataset's stats or choose normalization mode identity");
            result[key] = new FeatureNormalization
            {
                Mode = mode,
                Mean = s.Mean.Select(v => (float)v).ToArray(),
                Std = s.Std.Select(v => (float)v).ToArray(),
                Min = s.Min.Select(v => (float)v).ToArray(),
                Max = s.Max.Select(v => (float)v).ToArray(),
            };
        }
        return new FeatureNormalizer(result);
    }

    /// <summary>Normalises a vector (or several concatenated vectors) of <paramref name="key"/> in place; unknown keys pass unchanged.</summary>
    public void Normalize(string key, Span<float> values)
    {
        if (_features.TryGetValue(key, out var f)) f.Normalize(values);
    }

    /// <summary>Inverts <see cref="Normalize"/> in place.</summary>
    public void Unnormalize(string key, Span<float> values)
    {
        if (_features.TryGetValue(key, out var f)) f.Unnormalize(values);
    }

    /// <summary>Writes normalization.json into <paramref name="directory"/>.</summary>
    public void Save(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(_features, LearningJson.Options));

    /// <summary>Reads normalization.json from a checkpoint folder.</summary>
    public static FeatureNormalizer Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new RobotHostException($"checkpoint '{directory}' has no {FileName}; it is incomplete — use another checkpoint or retrain");
        try
        {
            return new FeatureNormalizer(JsonSerializer.Deserialize<Dictionary<string, FeatureNormalization>>(File.ReadAllText(path), LearningJson.Options)!);
        }
        catch (JsonException e)
        {
            throw new RobotHostException($"'{path}' is not valid normalisation JSON ({e.Message}); the checkpoint is damaged", e);
        }
    }
}
