using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Plugins.Cameras.OpenCv.Tests.Support;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Cameras.OpenCv.Tests;

/// <summary>Unplug, hang and replug, as the grabber sees them.</summary>
public sealed class GrabberFaultTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDirectory("camera-fault");

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void SourceThatDisappears_IsReportedStalled_ThenReconnectedWhenItComesBack()
    {
        var folder = TestVideos.ImageFolder(_dir, frames: 6);
        var loggers = new RecordingLoggerFactory();
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Name = "wrist", Path = folder, Fps = 30 }, loggers);
        camera.Connect();
        var before = camera.Read(TimeSpan.FromSeconds(2)).Sequence;

        var unplugged = folder + "-unplugged";
        Directory.Move(folder, unplugged); // the "cable" is pulled
        Assert.True(WaitFor(() => camera.Health == CameraHealth.Stalled), "health must become Stalled");
        Assert.Contains(loggers.Warnings, w => w.Contains("wrist") && w.Contains("stalled"));
        camera.ReadLatest(); // take what was captured before the cable went
        Assert.Throws<TimeoutException>(() => camera.Read(TimeSpan.FromMilliseconds(300)));

        Directory.Move(unplugged, folder); // plugged back in
        var after = camera.Read(TimeSpan.FromSeconds(10));
        Assert.True(after.Sequence > before, "sequence numbers continue across a reconnect");
        Assert.Equal(CameraHealth.Streaming, camera.Health);
        Assert.True(camera.Stats.Reconnects >= 1);
    }

    [Fact]
    public void DriverThatHangsInARead_IsStillReportedStalled_ByTheWatchdog()
    {
        var source = new ScriptedSource();
        var loggers = new RecordingLoggerFactory();
        using var camera = new ThreadedCamera("top", source, rotation: 0, warmupFrames: 0, stallTimeoutS: 0.3, loggers.CreateLogger("camera"));
        camera.Connect();
        camera.Read(TimeSpan.FromSeconds(2));

        source.Hang();
        Assert.True(WaitFor(() => camera.Health == CameraHealth.Stalled), "health must become Stalled while the grabber is stuck");
        Assert.True(WaitFor(() => loggers.Warnings.Any(w => w.Contains("top") && w.Contains("no frame for"))), "the watchdog logs a warning");
        var stale = camera.ReadLatest()!.Sequence;

        source.Resume();
        Assert.True(camera.Read(TimeSpan.FromSeconds(2)).Sequence > stale);
        Assert.True(WaitFor(() => camera.Health == CameraHealth.Streaming));
    }

    [Fact]
    public void ReadTimeout_NamesTheCamera()
    {
        var source = new ScriptedSource();
        using var camera = new ThreadedCamera("gripper", source, 0, 0, 0.5, NullLogger.Instance);
        camera.Connect();
        camera.Read(TimeSpan.FromSeconds(2));
        source.Hang();
        Assert.True(source.WaitUntilHanging(TimeSpan.FromSeconds(5)));
        camera.ReadLatest(); // take the frames captured before the hang
        var error = Assert.Throws<TimeoutException>(() => camera.Read(TimeSpan.FromMilliseconds(200)));
        Assert.Contains("gripper", error.Message);
        source.Resume();
    }

    private static bool WaitFor(Func<bool> condition, double seconds = 5)
    {
        var deadline = HostClock.Now + seconds;
        while (HostClock.Now < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}
