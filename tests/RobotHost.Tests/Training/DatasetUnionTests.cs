using RobotHost.Corrections;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Training;

namespace RobotHost.Tests.Training;

/// <summary>Demonstrations and corrections, two real LeRobot datasets from the real simulator, trained on as one.</summary>
public sealed class DatasetUnionTests
{
    private static readonly Dictionary<string, string> StateOnly = new() { ["cameras"] = "", ["max_steps"] = "60" };

    [Fact]
    public void Demonstrations_and_corrections_read_as_one_dataset_with_pooled_statistics()
    {
        var home = RepoPaths.NewTempDirectory("union");
        using var session = PluginSession.Start(home);
        var format = session.Catalog.DatasetFormat("lerobot");
        var demos = Path.Combine(home, "demos");
        var corrections = Path.Combine(home, "corrections");
        new Recorder().Record(session, new RecordOptions { EnvironmentKey = "pick_place", EnvironmentOptions = StateOnly, Root = demos, Episodes = 2, EpisodeTimeS = 2, Realtime = false });
        using (var environment = session.Catalog.CreateEnvironment("pick_place", StateOnly))
            new Recorder().RecordCorrections(environment, format,
                new RecordOptions { EnvironmentKey = "pick_place", EnvironmentOptions = StateOnly, Root = corrections, Episodes = 3, EpisodeTimeS = 2, Realtime = false, Seed = DaggerOptions.CorrectionSeedBase },
                new CorrectionMix(HoldPolicy.For(session, "pick_place", StateOnly), 0.5, 1, 15));

        using var first = format.Open(demos);
        using var second = format.Open(corrections);
        var expected = Enumerable.Range(0, (int)first.TotalFrames).Select(i => first.GetFrame(i, false))
            .Concat(Enumerable.Range(0, (int)second.TotalFrames).Select(i => second.GetFrame(i, false))).ToList();
        using var union = (DatasetUnion)TrainingRunner.OpenDatasets(session, [demos, corrections]);

        Assert.Equal(first.TotalFrames + second.TotalFrames, union.TotalFrames);
        Assert.Equal(Enumerable.Range(0, 5), union.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal(0, union.Episodes[0].FromIndex);
        for (var e = 1; e < union.Episodes.Count; e++) Assert.Equal(union.Episodes[e - 1].ToIndex, union.Episodes[e].FromIndex);
        Assert.Equal(union.TotalFrames, union.Episodes[^1].ToIndex);
        // The schema is what both have: the demonstrations carry no source column, so neither does the union's schema…
        Assert.DoesNotContain(union.Schema.Features, f => f.Key == FeatureKeys.Source);
        Assert.Equal(["pick_place"], union.Tasks);
        for (var i = 0; i < union.TotalFrames; i++)
        {
            var frame = union.GetFrame(i, withImages: false);
            Assert.Equal(i, frame.Index);
            Assert.Equal(expected[i].Values[FeatureKeys.Action], frame.Values[FeatureKeys.Action]);
            Assert.Equal(i < first.TotalFrames ? expected[i].EpisodeIndex : expected[i].EpisodeIndex + 2, frame.EpisodeIndex);
            // …but each frame still says where it came from, which is what the source weights read.
            Assert.Equal(i >= first.TotalFrames, frame.Values.ContainsKey(FeatureKeys.Source));
        }
        // Pooled statistics are those of all frames together.
        var stats = union.Stats[FeatureKeys.Action];
        for (var j = 0; j < 6; j++)
        {
            var values = expected.Select(f => (double)f.Values[FeatureKeys.Action][j]).ToList();
            var mean = values.Average();
            var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            Assert.Equal(mean, stats.Mean[j], 2);
            Assert.Equal(std, stats.Std[j], 1);
            Assert.Equal(values.Min(), stats.Min[j], 3);
            Assert.Equal(values.Max(), stats.Max[j], 3);
        }
        Assert.Equal(union.TotalFrames, stats.Count);
        var counts = SourceWeights.Sampling(union, SourceWeights.Parse(null)).Counts;
        Assert.Equal(first.TotalFrames, counts[FrameSource.Demo]);
        Assert.Equal(second.TotalFrames, counts[FrameSource.Dagger]);

        // Data recorded with other cameras cannot be trained on together: the error names both datasets.
        var withCamera = Path.Combine(home, "camera");
        new Recorder().Record(session, new RecordOptions
        {
            EnvironmentKey = "pick_place", EnvironmentOptions = new Dictionary<string, string> { ["cameras"] = "front", ["image_width"] = "32", ["image_height"] = "32", ["max_steps"] = "10" },
            Root = withCamera, Episodes = 1, EpisodeTimeS = 0.3, Realtime = false,
        });
        var error = Assert.Throws<RobotHostException>(() => TrainingRunner.OpenDatasets(session, [withCamera, demos]).Dispose());
        Assert.Contains($"'{demos}' has no 'observation.images.front'", error.Message);
        Assert.Contains(withCamera, error.Message);
    }
}
