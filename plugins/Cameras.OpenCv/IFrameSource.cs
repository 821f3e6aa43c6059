using OpenCvSharp;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>What one read from a frame source gave.</summary>
internal enum SourceRead
{
    /// <summary>A BGR frame was written into the mat.</summary>
    Frame,
    /// <summary>A file ended and does not loop: no more frames will come.</summary>
    EndOfStream,
    /// <summary>The device gave nothing (unplugged, driver error); the grabber closes it and reopens with backoff.</summary>
    Failed,
}

/// <summary>
/// A device or file the <see cref="ThreadedCamera"/> grabber reads. Only the grabber thread calls
/// <see cref="Read"/> and <see cref="Close"/>; <see cref="Open"/> is called by <c>Connect</c> on the caller's thread
/// first (so its errors reach the user) and again on the grabber thread to reconnect.
/// </summary>
internal interface IFrameSource : IDisposable
{
    /// <summary>What it is, for messages: "/dev/video0 MJPG 640x480@30", "clip.mp4".</summary>
    string Description { get; }

    /// <summary>Frame width before rotation (requested before <see cref="Open"/>, delivered after).</summary>
    int Width { get; }

    /// <summary>Frame height before rotation.</summary>
    int Height { get; }

    /// <summary>Frames per second.</summary>
    double Fps { get; }

    /// <summary>True when the grabber must pace reads at <see cref="Fps"/> (files); false when the device paces itself.</summary>
    bool PacedByHost { get; }

    /// <summary>Opens (or reopens) the source. Throws <see cref="RobotHost.Sdk.RobotHostException"/> naming the fix.</summary>
    void Open();

    /// <summary>Reads the next BGR frame into <paramref name="bgr"/>; may block until the device has one.</summary>
    SourceRead Read(Mat bgr);

    /// <summary>Releases the device or file; safe to call when closed.</summary>
    void Close();
}
