using RobotHost.Learning.Normalization;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Learning.Tests;

public sealed class NormalizationTests
{
    private static readonly IReadOnlyDictionary<string, FeatureStats> Stats = new Dictionary<string, FeatureStats>
    {
        ["observation.state"] = new([-10, 0], [10, 4], [2, 1], [4, 0.5], 100, new Dictionary<string, double[]>()),
        ["action"] = new([-90, 0], [90, 100], [0, 50], [30, 20], 100, new Dictionary<string, double[]>()),
    };

    [Fact]
    public void Mean_std_and_min_max_map_as_specified_and_invert()
    {
        var normalizer = FeatureNormalizer.FromStats(Stats, new Dictionary<string, NormalizationMode>
        {
            ["observation.state"] = NormalizationMode.MeanStd,
            ["action"] = NormalizationMode.MinMax,
        });
        float[] state = [6, 2];
        normalizer.Normalize("observation.state", state);
        Assert.Equal(1f, state[0], 5);   // (6 − 2) / 4
        Assert.Equal(2f, state[1], 5);   // (2 − 1) / 0.5
        float[] action = [-90, 100, 90, 0]; // two actions back to back
        normalizer.Normalize("action", action);
        Assert.Equal([-1f, 1f, 1f, -1f], action.Select(v => MathF.Round(v, 5)));
        normalizer.Unnormalize("action", action);
        Assert.Equal([-90f, 100f, 90f, 0f], action.Select(v => MathF.Round(v, 3)));
        normalizer.Unnormalize("observation.state", state);
        Assert.Equal([6f, 2f], state.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void Saved_normalization_loads_identical()
    {
        var dir = RepoPaths.NewTempDirectory();
        var normalizer = FeatureNormalizer.FromStats(Stats, new Dictionary<string, NormalizationMode>
        {
            ["observation.state"] = NormalizationMode.MinMax,
            ["action"] = NormalizationMode.MeanStd,
        });
        normalizer.Save(dir);
        Assert.Contains("\"min_max\"", File.ReadAllText(Path.Combine(dir, FeatureNormalizer.FileName)));
        var loaded = FeatureNormalizer.Load(dir);
        float[] a = [1.5f, 3.25f], b = [1.5f, 3.25f];
        normalizer.Normalize("observation.state", a);
        loaded.Normalize("observation.state", b);
        Assert.Equal(a, b);
        Assert.Equal(NormalizationMode.MeanStd, loaded.Features["action"].Mode);
    }

    [Fact]
    public void Missing_stats_name_the_feature()
    {
        var e = Assert.Throws<RobotHostException>(() => FeatureNormalizer.FromStats(Stats, new Dictionary<string, NormalizationMode> { ["observation.velocity"] = NormalizationMode.MeanStd }));
        Assert.Contains("observation.velocity", e.Message);
    }
}
