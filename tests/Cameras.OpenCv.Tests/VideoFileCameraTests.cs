using RobotHost.Plugins.Cameras.OpenCv.Tests.Support;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Cameras.OpenCv.Tests;

/// <summary>The real capture path (grabber thread, latest frame, sequences) on real mp4 files and image folders.</summary>
public sealed class VideoFileCameraTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDirectory("camera-test");

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Mp4_IsPlayedAtItsFrameRate_WithGaplessSequencesAndMonotonicTimestamps()
    {
        // 10 fps leaves a blocking reader 100 ms per frame, plenty even on a busy 2-core machine.
        var clip = TestVideos.Mp4(_dir, frames: 20, fps: 10);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Name = "front", Path = clip });
        camera.Connect();
        Assert.Equal(CameraHealth.Streaming, camera.Health);
        Assert.Equal(10, camera.Fps, 3);

        var frames = new List<CameraFrame>();
        while (frames.Count < 30) frames.Add(camera.Read(TimeSpan.FromSeconds(2))); // 3 s, loops once

        var sequences = frames.Select(f => f.Sequence).ToList();
        Assert.Equal(Enumerable.Range((int)sequences[0], sequences.Count).Select(i => (long)i), sequences);
        Assert.All(frames.Zip(frames.Skip(1)), pair => Assert.True(pair.Second.CaptureTime > pair.First.CaptureTime));
        var measuredFps = (frames.Count - 1) / (frames[^1].CaptureTime - frames[0].CaptureTime);
        Assert.InRange(measuredFps, 10 * 0.7, 10 * 1.3);
        var stats = camera.Stats;
        Assert.Equal(0, stats.FramesDropped);
        Assert.Equal(30, stats.FramesRead);
        Assert.True(stats.FramesCaptured >= 30);
        Assert.Equal(CameraHealth.Streaming, stats.Health);
    }

    [Fact]
    public void Frames_AreRgbHwcWithTheFileSize()
    {
        var clip = TestVideos.Mp4(_dir, frames: 5, fps: 30);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip });
        camera.Connect();
        var frame = camera.Read(TimeSpan.FromSeconds(2));

        Assert.True(frame.IsWellFormed);
        Assert.Equal((160, 120), (frame.Width, frame.Height));
        Assert.Equal((160, 120), (camera.Width, camera.Height));
        // Left half of the picture is red: R high, G and B low, in that byte order.
        var left = Pixel(frame, 20, 60);
        Assert.True(left.R > 200 && left.G < 60 && left.B < 60, $"left pixel {left}");
        var right = Pixel(frame, 140, 60);
        Assert.True(right.G > 200 && right.R < 60 && right.B < 60, $"right pixel {right}");
    }

    [Fact]
    public void Rotation90_TurnsTheFrameClockwise()
    {
        var clip = TestVideos.Mp4(_dir, frames: 5, fps: 30);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip, Rotation = 90 });
        camera.Connect();
        var frame = camera.Read(TimeSpan.FromSeconds(2));

        Assert.Equal((120, 160), (frame.Width, frame.Height));
        Assert.Equal((120, 160), (camera.Width, camera.Height));
        // Clockwise: the left (red) half becomes the top half.
        Assert.True(Pixel(frame, 60, 20).R > 200, "top should be red");
        Assert.True(Pixel(frame, 60, 140).G > 200, "bottom should be green");
    }

    [Fact]
    public void SlowConsumer_SeesGapsCountedAsDroppedFrames()
    {
        var clip = TestVideos.Mp4(_dir, frames: 30, fps: 30);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip });
        camera.Connect();

        var seen = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            seen.Add(camera.ReadLatest()!.Sequence);
            Thread.Sleep(150); // a consumer at ~6 Hz reading a 30 fps camera
        }

        var distinct = seen.Distinct().ToList();
        var gaps = distinct.Zip(distinct.Skip(1), (a, b) => b - a - 1).Sum();
        var stats = camera.Stats;
        Assert.True(stats.FramesDropped > 0, "a consumer 5x slower than the camera must see dropped frames");
        Assert.Equal(gaps, stats.FramesDropped);
        Assert.Equal(distinct.Count, stats.FramesRead);
    }

    [Fact]
    public void FastPoller_SeesRepeatsCounted()
    {
        var clip = TestVideos.Mp4(_dir, frames: 10, fps: 10);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip });
        camera.Connect();

        var seen = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            seen.Add(camera.ReadLatest()!.Sequence);
            Thread.Sleep(5);
        }

        var repeats = seen.Zip(seen.Skip(1)).Count(p => p.First == p.Second);
        Assert.True(repeats > 0);
        Assert.Equal(repeats, camera.Stats.FramesRepeated);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second >= p.First), "ReadLatest never goes back in time");
    }

    [Fact]
    public void EndOfFile_WithoutLoop_HandsOutEveryFrameThenStallsAndKeepsTheLastFrame()
    {
        var clip = TestVideos.Mp4(_dir, frames: 12, fps: 30);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip, Loop = false, Fps = 8 });
        camera.Connect();

        var sequences = new List<long>();
        var ended = Assert.Throws<EndOfStreamException>((Action)(() =>
        {
            while (true) sequences.Add(camera.Read(TimeSpan.FromSeconds(2)).Sequence);
        }));

        Assert.Contains("end of its file", ended.Message);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), sequences);
        Assert.Equal(CameraHealth.Stalled, camera.Health);
        Assert.True(camera.Stats.EndOfStream);
        // The grabber thread ends just after it publishes the end of the stream.
        Assert.True(SpinWait.SpinUntil(() => !camera.IsGrabbing, TimeSpan.FromSeconds(5)), "the grabber thread did not end after the end of the file");
        // The last frame stays available to a loop that polls; it counts as a repeat.
        Assert.Equal(11, camera.ReadLatest()!.Sequence);
        Assert.Equal(1, camera.Stats.FramesRepeated);
        camera.Disconnect();
        Assert.Equal(CameraHealth.Disconnected, camera.Health);
    }

    [Fact]
    public void Disconnect_StopsTheGrabber_IsIdempotent_AndConnectWorksAgain()
    {
        var clip = TestVideos.Mp4(_dir, frames: 10, fps: 30);
        var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip });
        camera.Connect();
        Assert.True(camera.IsGrabbing);
        var before = camera.Read(TimeSpan.FromSeconds(2)).Sequence;

        camera.Disconnect();
        Assert.False(camera.IsGrabbing);
        Assert.Equal(CameraHealth.Disconnected, camera.Health);
        Assert.Null(camera.ReadLatest());
        Assert.Throws<InvalidOperationException>(() => camera.Read(TimeSpan.FromMilliseconds(100)));
        camera.Disconnect();

        camera.Connect();
        Assert.True(camera.Read(TimeSpan.FromSeconds(2)).Sequence > before, "sequence numbers keep rising over the camera's life");
        camera.Dispose();
        Assert.False(camera.IsGrabbing);
    }

    [Fact]
    public void ImageFolder_PlaysAsACamera_AtTheConfiguredRate()
    {
        var folder = TestVideos.ImageFolder(_dir, frames: 5);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = folder, Fps = 20 });
        camera.Connect();
        var frames = Enumerable.Range(0, 8).Select(_ => camera.Read(TimeSpan.FromSeconds(2))).ToList();

        Assert.Equal(20, camera.Fps);
        Assert.All(frames, f => Assert.Equal((64, 48), (f.Width, f.Height)));
        Assert.True(Pixel(frames[0], 5, 5).R > 200);
        Assert.Equal(0, camera.Stats.FramesDropped);
    }

    [Fact]
    public void H264File_IsDecodedThroughTheSystemFfmpeg_AndResized()
    {
        var clip = TestVideos.H264(_dir, frames: 20, fps: 20);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip, Decoder = "ffmpeg", Width = 48, Height = 32, Loop = false });
        camera.Connect();
        var count = 0;
        Assert.Throws<EndOfStreamException>((Action)(() =>
        {
            while (true)
            {
                var frame = camera.Read(TimeSpan.FromSeconds(2));
                Assert.Equal((48, 32), (frame.Width, frame.Height));
                Assert.True(frame.IsWellFormed);
                count++;
            }
        }));
        Assert.Equal(20, count);
        Assert.Equal(20, camera.Fps, 3);
        Assert.Contains("ffmpeg", camera.Description);
    }

    [Fact]
    public void AutoDecoder_PlaysAnH264File()
    {
        var clip = TestVideos.H264(_dir, frames: 10, fps: 20);
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = clip });
        camera.Connect();
        var frame = camera.Read(TimeSpan.FromSeconds(2));
        Assert.Equal((96, 64), (frame.Width, frame.Height));
    }

    [Fact]
    public void MissingFile_IsAnErrorNamingThePath()
    {
        var missing = Path.Combine(_dir, "nope.mp4");
        var error = Assert.Throws<RobotHostException>(() => Cameras.VideoFile(new VideoFileCameraConfig { Path = missing }));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void NotAVideo_IsAnErrorAtConnect()
    {
        var junk = Path.Combine(_dir, "junk.mp4");
        File.WriteAllText(junk, "not a video");
        using var camera = Cameras.VideoFile(new VideoFileCameraConfig { Path = junk });
        var error = Assert.Throws<RobotHostException>(camera.Connect);
        Assert.Contains("junk.mp4", error.Message);
        Assert.Equal(CameraHealth.Disconnected, camera.Health);
    }

    private static (byte R, byte G, byte B) Pixel(CameraFrame frame, int x, int y)
    {
        var i = (y * frame.Width + x) * 3;
        return (frame.Rgb[i], frame.Rgb[i + 1], frame.Rgb[i + 2]);
    }
}
