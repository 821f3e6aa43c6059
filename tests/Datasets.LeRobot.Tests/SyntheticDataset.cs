using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Datasets.LeRobot.Tests;

/// <summary>
/// Frames with content that identifies them: a colour gradient per camera plus the global frame number written as
/// a row of 8×8 black/white blocks (10 bits), which survives lossy H.264/AV1 and tells which frame was decoded.
/// </summary>
internal static class SyntheticDataset
{
    public static readonly string[] Joints = ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"];
    public const int Fps = 30;

    public static DatasetSchema Schema(int width = 96, int height = 96, bool cameras = true)
    {
        var features = new List<FeatureSpec>
        {
            FeatureSpec.Vector(FeatureKeys.Action, Joints),
            FeatureSpec.Vector(FeatureKeys.State, Joints),
            new(FeatureKeys.Reward, "float32", [1], null),
        };
        if (cameras)
        {
            features.Add(FeatureSpec.Video(FeatureKeys.Image("front"), height, width));
            features.Add(FeatureSpec.Video(FeatureKeys.Image("wrist"), height, width + 32));
        }
        return new DatasetSchema("so101_follower", Fps, features);
    }

    public static float[] Action(long n) => Enumerable.Range(0, 6).Select(j => (float)Math.Sin(n * 0.1 + j) * 90f + j * 0.001f).ToArray();
    public static float[] State(long n) => Enumerable.Range(0, 6).Select(j => (float)Math.Cos(n * 0.07 + j) * 45f - 1e-5f * n).ToArray();

    public static byte[] Image(long n, int camera, int width, int height, int noiseSeed = -1)
    {
        var rgb = new byte[width * height * 3];
        var random = noiseSeed >= 0 ? new Random(noiseSeed + (int)n) : null;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var p = (y * width + x) * 3;
                rgb[p] = (byte)(x * 255 / width);
                rgb[p + 1] = (byte)(y * 255 / height);
                rgb[p + 2] = (byte)(camera * 100 + 40);
                if (random is not null && y >= 16) { rgb[p] = (byte)random.Next(256); rgb[p + 1] = (byte)random.Next(256); }
            }
        for (var bit = 0; bit < 10; bit++)
        {
            var on = ((n >> bit) & 1) == 1;
            for (var y = 0; y < 8; y++)
                for (var x = bit * 8; x < bit * 8 + 8; x++)
                {
                    var p = (y * width + x) * 3;
                    rgb[p] = rgb[p + 1] = rgb[p + 2] = on ? (byte)255 : (byte)0;
                }
        }
        return rgb;
    }

    /// <summary>The frame number a decoded image carries.</summary>
    public static long ReadNumber(byte[] rgb, int width)
    {
        long n = 0;
        for (var bit = 0; bit < 10; bit++)
        {
            double sum = 0;
            for (var y = 2; y < 6; y++)
                for (var x = bit * 8 + 2; x < bit * 8 + 6; x++)
                {
                    var p = (y * width + x) * 3;
                    sum += (rgb[p] + rgb[p + 1] + rgb[p + 2]) / 3.0;
                }
            if (sum / 16 > 128) n |= 1L << bit;
        }
        return n;
    }

    /// <summary>Mean absolute difference outside the number blocks.</summary>
    public static double MeanAbsDiff(byte[] a, byte[] b, int width)
    {
        double sum = 0; long count = 0;
        for (var i = width * 3 * 8; i < a.Length; i++) { sum += Math.Abs(a[i] - b[i]); count++; }
        return sum / count;
    }

    public static DatasetFrame Frame(DatasetSchema schema, long globalIndex, int noiseSeed = -1)
    {
        var images = new Dictionary<string, CameraFrame>();
        var camera = 0;
        foreach (var f in schema.VisualFeatures)
        {
            images[f.Key] = new CameraFrame(f.Shape[1], f.Shape[0], Image(globalIndex, camera, f.Shape[1], f.Shape[0], noiseSeed), globalIndex, globalIndex / (double)Fps);
            camera++;
        }
        return new DatasetFrame
        {
            Values = new Dictionary<string, float[]>
            {
                [FeatureKeys.Action] = Action(globalIndex),
                [FeatureKeys.State] = State(globalIndex),
                [FeatureKeys.Reward] = [globalIndex % 5 == 0 ? 1f : 0f],
            },
            Images = images,
        };
    }

    /// <summary>Writes episodes of the given lengths; returns the root.</summary>
    public static string Write(IReadOnlyList<int> lengths, string? root = null, DatasetSchema? schema = null, DatasetWriterOptions? options = null, string[]? tasks = null, int noiseSeed = -1)
    {
        root ??= Path.Combine(RepoPaths.NewTempDirectory("lerobot-ds"), "dataset");
        schema ??= Schema();
        using var writer = LeRobotDatasetWriter.Create(root, schema, options);
        Append(writer, lengths, tasks, noiseSeed);
        return root;
    }

    public static void Append(IDatasetWriter writer, IReadOnlyList<int> lengths, string[]? tasks = null, int noiseSeed = -1)
    {
        var start = ((LeRobotDatasetWriter)writer).TotalFrames;
        for (var e = 0; e < lengths.Count; e++)
        {
            for (var i = 0; i < lengths[e]; i++) writer.AddFrame(Frame(writer.Schema, start + i, noiseSeed));
            start += lengths[e];
            writer.SaveEpisode(tasks?[e % tasks.Length] ?? "pick up the cube");
        }
    }
}
