using System.Text.RegularExpressions;

namespace RobotHost.Plugins.Cameras.OpenCv;

/// <summary>A V4L2 device node, with the name its driver reports (from sysfs).</summary>
/// <param name="Path">Device path, e.g. <c>/dev/video0</c>.</param>
/// <param name="Index">The N of videoN.</param>
/// <param name="Name">Driver's name for it ("HD USB Camera"), or empty when sysfs does not say.</param>
public sealed record VideoDevice(string Path, int Index, string Name)
{
    /// <inheritdoc />
    public override string ToString() => Name.Length > 0 ? $"{Path} ({Name})" : Path;
}

/// <summary>Lists the machine's video devices (<c>/dev/video*</c>) for discovery and for error messages.</summary>
public static partial class VideoDevices
{
    /// <summary>Video device nodes in <paramref name="deviceDirectory"/>, by index.</summary>
    public static IReadOnlyList<VideoDevice> List(string deviceDirectory = "/dev")
    {
        if (!Directory.Exists(deviceDirectory)) return [];
        return Directory.EnumerateFileSystemEntries(deviceDirectory, "video*")
            .Select(path => (path, match: VideoNode().Match(System.IO.Path.GetFileName(path))))
            .Where(p => p.match.Success)
            .Select(p =>
            {
                var index = int.Parse(p.match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                return new VideoDevice(p.path, index, ReadSysfsName(index));
            })
            .OrderBy(d => d.Index)
            .ToList();
    }

    /// <summary>One sentence naming the devices found, or saying there are none and what to check.</summary>
    public static string Describe(IReadOnlyList<VideoDevice> devices) => devices.Count == 0
        ? "No video devices were found (/dev/video* does not exist): plug a camera in, check `ls /dev/video*`, and that your user is in the 'video' group."
        : $"Video devices found: {string.Join(", ", devices)}. Run `robothost find-cameras` to see their modes and a snapshot of each.";

    private static string ReadSysfsName(int index)
    {
        try
        {
            var path = $"/sys/class/video4linux/video{index}/name";
            return File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    [GeneratedRegex(@"^video(\d+)$")]
    private static partial Regex VideoNode();
}
