using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Cameras.OpenCv.Tests;

/// <summary>The V4L2 camera's user-facing errors (this machine has no camera; a fake /dev shows the listing).</summary>
public sealed class OpenCvCameraTests : IDisposable
{
    private readonly string _dev = RepoPaths.NewTempDirectory("fake-dev");

    public void Dispose() => Directory.Delete(_dev, true);

    [Fact]
    public void MissingDevice_ListsTheVideoDevicesFound()
    {
        File.WriteAllText(Path.Combine(_dev, "video0"), "");
        File.WriteAllText(Path.Combine(_dev, "video2"), "");
        File.WriteAllText(Path.Combine(_dev, "ttyACM0"), "");
        using var camera = Cameras.OpenCv(new OpenCvCameraConfig { Name = "front", IndexOrPath = "4" }, null, _dev);

        var error = Assert.Throws<RobotHostException>(camera.Connect);

        Assert.Contains("front", error.Message);
        Assert.Contains(Path.Combine(_dev, "video4") + " does not exist", error.Message);
        Assert.Contains(Path.Combine(_dev, "video0"), error.Message);
        Assert.Contains(Path.Combine(_dev, "video2"), error.Message);
        Assert.DoesNotContain("ttyACM0", error.Message);
        Assert.Equal(CameraHealth.Disconnected, camera.Health);
    }

    [Fact]
    public void MissingDevice_OnAMachineWithoutCameras_SaysNoneWereFound()
    {
        using var camera = Cameras.OpenCv(new OpenCvCameraConfig { IndexOrPath = Path.Combine(_dev, "video9") }, null, _dev);
        var error = Assert.Throws<RobotHostException>(camera.Connect);
        Assert.Contains("No video devices were found", error.Message);
    }

    [Fact]
    public void DeviceNodeThatIsNotACamera_IsAnErrorThatSaysSo()
    {
        var fake = Path.Combine(_dev, "video0");
        File.WriteAllText(fake, "not a v4l2 device");
        using var camera = Cameras.OpenCv(new OpenCvCameraConfig { IndexOrPath = fake }, null, _dev);
        var error = Assert.Throws<RobotHostException>(camera.Connect);
        Assert.Contains("cannot be opened as a camera", error.Message);
    }

    [Fact]
    public void Defaults_AskForMjpg640x480At30_AndReportThemBeforeConnecting()
    {
        using var camera = Cameras.OpenCv(new OpenCvCameraConfig(), null, _dev);
        Assert.Equal("front", camera.Name);
        Assert.Equal((640, 480, 30.0), (camera.Width, camera.Height, camera.Fps));
        Assert.Contains("MJPG 640x480@30", camera.Description);
        Assert.Equal(CameraHealth.Disconnected, camera.Health);
        Assert.Null(camera.ReadLatest());
    }

    [Theory]
    [InlineData("rotation", "rotation must be 0, 90, 180 or 270")]
    [InlineData("fourcc", "fourcc must be four characters")]
    [InlineData("name", "name must be letters")]
    [InlineData("fps", "fps must be between 1 and 240")]
    public void InvalidConfig_IsRefusedWithTheFieldNamed(string field, string expected)
    {
        var config = field switch
        {
            "rotation" => new OpenCvCameraConfig { Rotation = 45 },
            "fourcc" => new OpenCvCameraConfig { Fourcc = "MJ" },
            "name" => new OpenCvCameraConfig { Name = "front cam" },
            _ => new OpenCvCameraConfig { Fps = 0 },
        };
        var error = Assert.Throws<RobotHostException>(() => Cameras.OpenCv(config));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void DeliveredModeOtherThanRequested_IsAnError_WhenStrict()
    {
        var config = new OpenCvCameraConfig { Name = "wrist" };
        var error = Assert.Throws<RobotHostException>(() =>
            V4l2CameraSource.CheckDeliveredMode(config, "/dev/video2", 1280, 720, 5, "YUYV", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.Contains("wrist", error.Message);
        Assert.Contains("size 1280x720 instead of 640x480", error.Message);
        Assert.Contains("5 fps instead of 30", error.Message);
        Assert.Contains("pixel format 'YUYV' instead of 'MJPG'", error.Message);
        Assert.Contains("strict=false", error.Message);
    }

    [Fact]
    public void DeliveredModeOtherThanRequested_IsAWarning_WhenNotStrict()
    {
        var log = new Support.RecordingLoggerFactory();
        V4l2CameraSource.CheckDeliveredMode(new OpenCvCameraConfig { Strict = false }, "/dev/video0", 640, 480, 15, "MJPG", log.CreateLogger("camera"));
        Assert.Contains(log.Warnings, w => w.Contains("15 fps instead of 30") && w.Contains("strict=false"));
    }

    [Fact]
    public void DeliveredModeAsRequested_PassesQuietly()
    {
        var log = new Support.RecordingLoggerFactory();
        V4l2CameraSource.CheckDeliveredMode(new OpenCvCameraConfig(), "/dev/video0", 640, 480, 30, "MJPG", log.CreateLogger("camera"));
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void FourccText_DecodesOpenCvsNumber()
    {
        Assert.Equal("MJPG", V4l2CameraSource.FourccText(OpenCvSharp.VideoWriter.FourCC('M', 'J', 'P', 'G')));
        Assert.Equal("", V4l2CameraSource.FourccText(0));
    }
}
