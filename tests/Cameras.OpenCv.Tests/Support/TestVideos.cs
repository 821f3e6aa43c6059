using System.Diagnostics;
using OpenCvSharp;

namespace RobotHost.Plugins.Cameras.OpenCv.Tests.Support;

/// <summary>Writes real video files and image folders for the video_file camera to play.</summary>
internal static class TestVideos
{
    /// <summary>
    /// An mp4v file (OpenCV's bundled writer): left half pure red, right half pure green, so colour order and rotation
    /// survive lossy coding clearly.
    /// </summary>
    public static string Mp4(string directory, int frames, double fps, int width = 160, int height = 120, string name = "clip.mp4")
    {
        var path = Path.Combine(directory, name);
        using var writer = new VideoWriter(path, VideoWriter.FourCC('m', 'p', '4', 'v'), fps, new Size(width, height));
        Assert.True(writer.IsOpened(), "OpenCV could not open an mp4v writer");
        using var frame = RedGreen(width, height);
        for (var i = 0; i < frames; i++) writer.Write(frame);
        writer.Release();
        return path;
    }

    /// <summary>A folder of PNG images (frame_000000.png…), same red/green picture.</summary>
    public static string ImageFolder(string directory, int frames, int width = 64, int height = 48)
    {
        var folder = Path.Combine(directory, "frames");
        Directory.CreateDirectory(folder);
        using var frame = RedGreen(width, height);
        for (var i = 0; i < frames; i++) Cv2.ImWrite(Path.Combine(folder, $"frame_{i:D6}.png"), frame);
        return folder;
    }

    /// <summary>An H.264 mp4 made by the system ffmpeg (what RobotHost records), from its test pattern.</summary>
    public static string H264(string directory, int frames, int fps, int width = 96, int height = 64)
    {
        var path = Path.Combine(directory, "clip-h264.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate={fps}", "-frames:v", frames.ToString(),
                     "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "2", path })
            start.ArgumentList.Add(arg);
        using var ffmpeg = Process.Start(start)!;
        var error = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        Assert.True(ffmpeg.ExitCode == 0, "ffmpeg failed: " + error);
        return path;
    }

    private static Mat RedGreen(int width, int height)
    {
        var frame = new Mat(height, width, MatType.CV_8UC3, new Scalar(0, 255, 0)); // BGR green
        frame[new Rect(0, 0, width / 2, height)].SetTo(new Scalar(0, 0, 255));    // BGR red, left half
        return frame;
    }
}
