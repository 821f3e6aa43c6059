using OpenCvSharp;
using RobotHost.Tests.Shared;
using TorchSharp;

namespace RobotHost.Tests.Native;

/// <summary>The native stack the set-up installs and patches works after a clean restore: libtorch and OpenCV.</summary>
public sealed class NativeDependencyTests
{
    [Fact]
    public void Libtorch_loads_and_computes()
    {
        using var ones = torch.ones(2);
        using var sum = ones.sum();
        Assert.Equal(2f, sum.item<float>());
    }

    [Fact]
    public void OpenCv_writes_and_reads_back_an_mp4()
    {
        var dir = RepoPaths.NewTempDirectory("opencv");
        var path = Path.Combine(dir, "roundtrip.mp4");
        using (var writer = new VideoWriter(path, FourCC.MP4V, 30, new Size(64, 48)))
        {
            Assert.True(writer.IsOpened(), "OpenCV could not open an mp4v writer (is libgtk-3-0 installed?)");
            for (var i = 0; i < 10; i++)
            {
                using var frame = new Mat(48, 64, MatType.CV_8UC3, new OpenCvSharp.Scalar(i * 20, 100, 255 - i * 20));
                writer.Write(frame);
            }
        }
        using var capture = new VideoCapture(path);
        Assert.True(capture.IsOpened());
        var count = 0;
        using var read = new Mat();
        double firstBlue = -1;
        while (capture.Read(read) && !read.Empty())
        {
            if (count == 0) firstBlue = read.Mean().Val0;
            count++;
        }
        Assert.Equal(10, count);
        Assert.InRange(firstBlue, 0, 15); // frame 0 was written with blue 0: lossy, but close
        Directory.Delete(dir, true);
    }
}
