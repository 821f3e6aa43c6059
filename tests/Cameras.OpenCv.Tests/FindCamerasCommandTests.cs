using RobotHost.Plugins.Cameras.OpenCv.Tests.Support;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Cameras.OpenCv.Tests;

public sealed class FindCamerasCommandTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDirectory("find-cameras");

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void NoDevices_SaysSoClearly()
    {
        var context = new RecordingContext(_dir);
        var code = FindCamerasCommand.Run([], context, Path.Combine(_dir, "empty-dev"), CancellationToken.None);
        Assert.Equal(0, code);
        Assert.Contains("No video devices were found", context.Transcript);
        Assert.Contains("video_file", context.Transcript);
    }

    [Fact]
    public void ADeviceThatCannotCapture_IsListedAsSuch_AndGetsNoSnapshot()
    {
        var dev = Path.Combine(_dir, "dev");
        Directory.CreateDirectory(dev);
        File.WriteAllText(Path.Combine(dev, "video1"), "");
        var outDir = Path.Combine(_dir, "shots");
        var context = new RecordingContext(_dir);

        var code = FindCamerasCommand.Run(["--out", outDir], context, dev, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains(Path.Combine(dev, "video1") + ": cannot capture", context.Transcript);
        Assert.Contains("None of them could capture", context.Transcript);
        Assert.Empty(Directory.GetFiles(outDir, "*.png"));
    }

    [Fact]
    public void UnknownArgument_IsAUserError()
    {
        var error = Assert.Throws<RobotHostException>(() => FindCamerasCommand.Run(["--bogus"], new RecordingContext(_dir), CancellationToken.None));
        Assert.Contains("--bogus", error.Message);
    }

    [Fact]
    public void V4l2CtlOutput_IsSummarisedAsModes()
    {
        const string output = """
            ioctl: VIDIOC_ENUM_FMT
            	Type: Video Capture

            	[0]: 'MJPG' (Motion-JPEG, compressed)
            		Size: Discrete 640x480
            			Interval: Discrete 0.033s (30.000 fps)
            			Interval: Discrete 0.067s (15.000 fps)
            		Size: Discrete 1280x720
            			Interval: Discrete 0.033s (30.000 fps)
            	[1]: 'YUYV' (YUYV 4:2:2)
            		Size: Discrete 640x480
            			Interval: Discrete 0.033s (30.000 fps)
            """;
        Assert.Equal(["MJPG 640x480 @ 30, 15 fps", "MJPG 1280x720 @ 30 fps", "YUYV 640x480 @ 30 fps"], FindCamerasCommand.ParseV4l2Formats(output));
    }

    [Fact]
    public void PluginModule_RegistersBothCamerasAndTheCommand()
    {
        var registry = new RecordingRegistry();
        new CamerasOpenCvModule().Register(registry);
        Assert.Equal(["opencv", "video_file"], registry.Cameras);
        Assert.Equal(["find-cameras"], registry.Commands);
    }

    private sealed class RecordingRegistry : IPluginRegistry
    {
        public List<string> Cameras { get; } = [];
        public List<string> Commands { get; } = [];

        public void AddCamera<TConfig>(string key, ComponentFactory<TConfig, ICamera> factory, string description = "") where TConfig : ComponentConfig, new() => Cameras.Add(key);
        public void AddCommand(string name, string description, PluginCommand run) => Commands.Add(name);
        public void AddRobot<TConfig>(string key, ComponentFactory<TConfig, IRobot> factory, string description = "") where TConfig : ComponentConfig, new() => throw new InvalidOperationException();
        public void AddTeleoperator<TConfig>(string key, ComponentFactory<TConfig, ITeleoperator> factory, string description = "") where TConfig : ComponentConfig, new() => throw new InvalidOperationException();
        public void AddEnvironment<TConfig>(string key, ComponentFactory<TConfig, IEnvironment> factory, string description = "") where TConfig : ComponentConfig, new() => throw new InvalidOperationException();
        public void AddPolicy(string key, Func<IPluginContext, IPolicyFactory> create, string description = "") => throw new InvalidOperationException();
        public void AddDatasetFormat(string key, Func<IPluginContext, IDatasetFormat> create, string description = "") => throw new InvalidOperationException();
    }
}
