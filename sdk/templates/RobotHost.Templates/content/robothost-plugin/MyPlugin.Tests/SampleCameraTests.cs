namespace MyPlugin.Tests;

public sealed class SampleCameraTests
{
    [Fact]
    public void Frames_arrive_in_sequence_and_read_latest_never_blocks()
    {
        using var camera = new SampleCamera(new SampleCameraConfig { Fps = 100 }, new TestContext());
        Assert.Null(camera.ReadLatest());
        camera.Connect();
        var first = camera.Read(TimeSpan.FromSeconds(2));
        var second = camera.Read(TimeSpan.FromSeconds(2));
        Assert.True(second.Sequence > first.Sequence);
        Assert.True(second.IsWellFormed);
        Assert.NotNull(camera.ReadLatest());
        camera.Disconnect();
    }
}
