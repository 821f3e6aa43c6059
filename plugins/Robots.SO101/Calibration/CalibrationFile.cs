using System.Text;
using System.Text.Json;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Calibration;

/// <summary>
/// LeRobot's calibration files: <c>{motor: {id, drive_mode, homing_offset, range_min, range_max}}</c>, written like
/// Python's <c>json.dump(…, indent=4)</c>, at
/// <c>$HF_LEROBOT_CALIBRATION/{robots|teleoperators}/{so_follower|so_leader}/&lt;id&gt;.json</c>
/// (default <c>~/.cache/huggingface/lerobot/calibration</c>; lerobot/utils/constants.py).
/// </summary>
public static class CalibrationFile
{
    /// <summary>LeRobot's calibration root: HF_LEROBOT_CALIBRATION, else $HF_LEROBOT_HOME/calibration, else $HF_HOME/lerobot/calibration.</summary>
    public static string Root()
    {
        var explicitRoot = Environment.GetEnvironmentVariable("HF_LEROBOT_CALIBRATION");
        if (!string.IsNullOrEmpty(explicitRoot)) return ExpandHome(explicitRoot);
        var lerobotHome = Environment.GetEnvironmentVariable("HF_LEROBOT_HOME");
        if (string.IsNullOrEmpty(lerobotHome))
        {
            var hfHome = Environment.GetEnvironmentVariable("HF_HOME");
            if (string.IsNullOrEmpty(hfHome))
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                hfHome = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(Home(), ".cache") : xdg, "huggingface");
            }
            lerobotHome = Path.Combine(ExpandHome(hfHome), "lerobot");
        }
        return Path.Combine(ExpandHome(lerobotHome), "calibration");
    }

    /// <summary>The file of a device: <paramref name="calibrationDir"/> (config override) or the LeRobot default, plus <c>&lt;id&gt;.json</c>.</summary>
    /// <param name="calibrationDir">Config override, or null.</param>
    /// <param name="category"><c>robots</c> or <c>teleoperators</c>.</param>
    /// <param name="deviceName"><c>so_follower</c> or <c>so_leader</c> (LeRobot's class name, not the config key).</param>
    /// <param name="id">The arm's id.</param>
    public static string PathFor(string? calibrationDir, string category, string deviceName, string id)
    {
        var dir = string.IsNullOrWhiteSpace(calibrationDir) ? Path.Combine(Root(), category, deviceName) : ExpandHome(calibrationDir);
        return Path.Combine(dir, id + ".json");
    }

    /// <summary>The JSON text LeRobot writes for <paramref name="calibration"/> (4-space indent, no trailing newline).</summary>
    public static string ToJson(IReadOnlyDictionary<string, MotorCalibration> calibration, IEnumerable<string>? order = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 4, NewLine = "\n" }))
        {
            w.WriteStartObject();
            foreach (var motor in order ?? calibration.Keys)
            {
                var c = calibration[motor];
                w.WriteStartObject(motor);
                w.WriteNumber("id", c.Id);
                w.WriteNumber("drive_mode", c.DriveMode);
                w.WriteNumber("homing_offset", c.HomingOffset);
                w.WriteNumber("range_min", c.RangeMin);
                w.WriteNumber("range_max", c.RangeMax);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the file (creating its folder), in motor order.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var order = So101Joints.Motors.Where(calibration.ContainsKey).Concat(calibration.Keys.Except(So101Joints.Motors));
        File.WriteAllText(path, ToJson(calibration, order));
    }

    /// <summary>Reads a LeRobot calibration file; every SO-101 motor must be present.</summary>
    /// <exception cref="RobotHostException">Unreadable, malformed or incomplete file, naming the fix.</exception>
    public static Dictionary<string, MotorCalibration> Load(string path)
    {
        var result = new Dictionary<string, MotorCalibration>();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var motor in doc.RootElement.EnumerateObject())
            {
                var m = motor.Value;
                result[motor.Name] = new MotorCalibration(
                    m.GetProperty("id").GetInt32(), m.GetProperty("drive_mode").GetInt32(), m.GetProperty("homing_offset").GetInt32(),
                    m.GetProperty("range_min").GetInt32(), m.GetProperty("range_max").GetInt32());
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            throw new RobotHostException($"calibration file '{path}' is not a LeRobot calibration ({e.Message}); delete it and calibrate again with `robothost calibrate`", e);
        }
        var missing = So101Joints.Motors.Where(m => !result.ContainsKey(m)).ToList();
        if (missing.Count > 0)
            throw new RobotHostException($"calibration file '{path}' has no entry for {string.Join(", ", missing)}; it is not an SO-101 calibration — calibrate again with `robothost calibrate`");
        return result;
    }

    private static string Home() => Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string ExpandHome(string path) => path == "~" ? Home() : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home(), path[2..]) : path;
}
