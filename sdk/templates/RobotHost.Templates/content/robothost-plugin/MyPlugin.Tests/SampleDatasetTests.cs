using RobotHost.Sdk;

namespace MyPlugin.Tests;

public sealed class SampleDatasetTests
{
    [Fact]
    public void Episodes_round_trip_and_windows_pad_at_episode_edges()
    {
        var context = new TestContext();
        var root = Path.Combine(context.DataDirectory, "data");
        var format = new SampleDatasetFormat(context.LoggerFactory);
        var schema = new DatasetSchema("my_device", 10, [FeatureSpec.Vector(FeatureKeys.Action, ["joint1.pos"])]);
        using (var writer = format.Create(root, schema))
        {
            for (var e = 0; e < 2; e++)
            {
                for (var f = 0; f < 5; f++) writer.AddFrame(new DatasetFrame { Values = new Dictionary<string, float[]> { [FeatureKeys.Action] = [e * 10 + f] } });
                writer.SaveEpisode("wave");
            }
        }
        using var reader = format.Open(root);
        Assert.Equal(10, reader.TotalFrames);
        Assert.Equal(2, reader.Episodes.Count);
        Assert.Equal(12f, reader.GetFrame(7).Values[FeatureKeys.Action][0]);
        var window = reader.GetWindow(8, new Dictionary<string, IReadOnlyList<double>> { [FeatureKeys.Action] = [0.0, 0.1, 0.2] });
        Assert.Equal([13f, 14f, 14f], window.Values[FeatureKeys.Action].Select(v => v[0]));
        Assert.Equal([false, false, true], window.IsPad[FeatureKeys.Action + "_is_pad"]);
    }
}
