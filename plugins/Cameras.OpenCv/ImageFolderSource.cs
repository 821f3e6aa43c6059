using OpenCvSharp;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>A folder of images played in name order (frame_000001.png…), 30 fps unless configured.</summary>
internal sealed class ImageFolderSource(VideoFileCameraConfig config) : IFrameSource
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];
    private string[] _files = [];
    private int _next;

    public string Description => $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(config.Path))}/ ({_files.Length} images)";

    public int Width { get; private set; } = config.Width;

    public int Height { get; private set; } = config.Height;

    public double Fps => config.Fps > 0 ? config.Fps : 30;

    public bool PacedByHost => true;

    public void Open()
    {
        if (!Directory.Exists(config.Path))
            throw new RobotHostException($"video_file camera '{config.Name}': folder '{config.Path}' does not exist");
        var files = Directory.EnumerateFiles(config.Path)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
            throw new RobotHostException($"video_file camera '{config.Name}': folder '{config.Path}' has no .png, .jpg or .bmp images");
        using var first = Cv2.ImRead(files[0], ImreadModes.Color);
        if (first.Empty())
            throw new RobotHostException($"video_file camera '{config.Name}': cannot read image '{files[0]}'");
        VideoFileSources.FitTo(first, config.Width, config.Height);
        Width = first.Width;
        Height = first.Height;
        _files = files;
        _next = 0;
    }

    public SourceRead Read(Mat bgr)
    {
        if (_files.Length == 0) return SourceRead.Failed;
        if (_next >= _files.Length)
        {
            if (!config.Loop) return SourceRead.EndOfStream;
            _next = 0;
        }
        var file = _files[_next++];
        if (!File.Exists(file)) return SourceRead.Failed;
        using var image = Cv2.ImRead(file, ImreadModes.Color);
        if (image.Empty()) return SourceRead.Failed;
        VideoFileSources.FitTo(image, config.Width, config.Height);
        if (image.Width != Width || image.Height != Height) return SourceRead.Failed;
        image.CopyTo(bgr);
        return SourceRead.Frame;
    }

    public void Close()
    {
        _files = [];
    }

    public void Dispose() => Close();
}
