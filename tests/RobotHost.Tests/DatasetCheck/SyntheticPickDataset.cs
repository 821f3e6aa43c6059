using System.Text.Json.Nodes;
using Parquet.Serialization;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Tests.DatasetCheck;

/// <summary>
/// A small pick-and-place dataset made of plain numbers, written as a real LeRobot v3.0 dataset (parquet, stats,
/// optionally an mp4 per episode) through the host's own dataset plugin: 50 episodes in six grasp zones, one technique,
/// every episode moving from its first frame to its last, closing the gripper, dropping into the bin and setting the
/// success flag. Clean, it passes every check; each test then puts exactly one defect into it.
/// </summary>
internal static class SyntheticPickDataset
{
    public static readonly string[] Joints = ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"];
    public const int Fps = 30;
    public const int Pan = 0, Lift = 1, Elbow = 2, Wrist = 3, Roll = 4, Gripper = 5;
    public const string Task = "put the cube in the bin";

    private static readonly Lazy<HostSession> SharedSession = new(() => HostSession.Start(new HostOptions
    {
        Paths = new HostPaths(RepoPaths.NewTempDirectory("check-defects-home")),
        PluginDirectories = [RepoPaths.PluginDirectory],
        IncludeDefaultPluginDirectories = false,
    }));

    /// <summary>A host session with the repository's plugins, shared by these tests.</summary>
    public static HostSession Session => SharedSession.Value;

    /// <summary>The LeRobot format as the host loads it (the real plugin).</summary>
    public static IDatasetFormat Format => SharedSession.Value.Catalog.DatasetFormat("lerobot");

    /// <summary>One episode's vectors before writing.</summary>
    public sealed class Episode
    {
        public required float[][] State { get; set; }
        public required float[][] Action { get; set; }
        public required float[] Success { get; set; }
        public string Task { get; set; } = SyntheticPickDataset.Task;
        /// <summary>The frame where the gripper command has closed (what the check calls the grasp).</summary>
        public int GraspFrame { get; set; }
        public int Length => Action.Length;

        public Episode Copy() => new()
        {
            State = State.Select(v => (float[])v.Clone()).ToArray(), Action = Action.Select(v => (float[])v.Clone()).ToArray(),
            Success = (float[])Success.Clone(), Task = Task, GraspFrame = GraspFrame,
        };
    }

    /// <summary>
    /// Episode <paramref name="index"/>: home → above the object (the base turns) → straight down onto it → close →
    /// lift and carry to the bin → open → move back towards rest until the last frame. Zone = index mod 6 (grasps 20°
    /// apart in pan) unless <paramref name="zone"/> is given; <paramref name="graspLift"/> shifts the grasp in lift only.
    /// </summary>
    public static Episode Clean(int index, int? zone = null, float graspLift = 0, float wristDuringApproach = 0)
    {
        var rng = new Random(1000 + index);
        float Jitter(double amplitude) => (float)((rng.NextDouble() * 2 - 1) * amplitude);
        var length = 90 + index * 7 % 21;
        var z = zone ?? index % 6;
        float[] home = [0, -10, 10, 30, 0, 80];
        float[] grasp = [-50 + 20 * z + Jitter(2), 20 + graspLift + Jitter(2), 40 + Jitter(2), 35 + wristDuringApproach, Jitter(5), 80];
        float[] above = [grasp[Pan], grasp[Lift] - 20, grasp[Elbow], 30 + wristDuringApproach, grasp[Roll], 80];
        float[] bin = [70, 0, 20, 30, 0, 5];
        float[] rest = [70, -10, 5, 30, 0, 80];
        int a = (int)(0.2 * length), g = (int)(0.5 * length), m = (int)(0.85 * length);
        var action = new float[length][];
        for (var i = 0; i < length; i++)
        {
            float[] q;
            if (i <= a) q = Lerp(home, above, i / (double)a);
            else if (i <= g) q = Lerp(above, grasp, (i - a) / (double)(g - a));
            else if (i <= g + 4) q = (float[])grasp.Clone(); // the hand holds still while the gripper closes
            else if (i <= m) q = Lerp(grasp, bin, (i - g - 4) / (double)(m - g - 4));
            else q = Lerp(bin, rest, (i - m) / (double)(length - 1 - m));
            // Gripper command: open, closing over three frames at the grasp, closed while carrying, opening at the bin.
            q[Gripper] = i <= g ? 80 : i <= g + 3 ? 80 - 25 * (i - g) : i <= m ? 5 : Math.Min(80, 5 + 25 * (i - m));
            action[i] = q;
        }
        var state = new float[length][];
        for (var i = 0; i < length; i++)
        {
            var s = (float[])action[Math.Max(0, i - 1)].Clone(); // the arm follows its command one frame late
            for (var j = 0; j < Gripper; j++) s[j] += Jitter(0.05);
            s[Gripper] = Math.Max(s[Gripper], i > g + 1 && i <= m + 1 ? 25 : 0) + Jitter(0.3); // the cube stops the jaws at 25
            state[i] = s;
        }
        var success = Enumerable.Range(0, length).Select(i => i > m + 3 ? 1f : 0f).ToArray();
        return new Episode { State = state, Action = action, Success = success, GraspFrame = g + 3 };
    }

    public static List<Episode> CleanEpisodes(int count = 50) => Enumerable.Range(0, count).Select(i => Clean(i)).ToList();

    private static float[] Lerp(float[] from, float[] to, double t) =>
        from.Zip(to).Select(p => (float)(p.First + (p.Second - p.First) * Math.Clamp(t, 0, 1))).ToArray();

    // The limits the SO-101 plugin states (LeRobot's units), as a dataset recorded from it carries them.
    private static readonly double[] Lower = [-180, -180, -180, -180, -180, 0], Upper = [180, 180, 180, 180, 180, 100];
    private static readonly string[] Units = ["deg", "deg", "deg", "deg", "deg", "%"];

    public static DatasetSchema Schema(int cameraSize = 0)
    {
        var features = new List<FeatureSpec>
        {
            FeatureSpec.Vector(FeatureKeys.Action, Joints).WithLimits(Lower, Upper, Units),
            FeatureSpec.Vector(FeatureKeys.State, Joints).WithLimits(Lower, Upper, Units),
            new(FeatureKeys.Success, "bool", [1], null),
        };
        if (cameraSize > 0) features.Add(FeatureSpec.Video(FeatureKeys.Image("front"), cameraSize, cameraSize));
        return new DatasetSchema("so101_follower", Fps, features);
    }

    /// <summary>Writes the episodes as a LeRobot v3.0 dataset; with a camera, one mp4 per episode.</summary>
    public static string Write(IReadOnlyList<Episode> episodes, string name, int cameraSize = 0)
    {
        var root = Path.Combine(RepoPaths.NewTempDirectory("check-" + name), "data");
        var schema = Schema(cameraSize);
        using var writer = Format.Create(root, schema, new DatasetWriterOptions { VideoFilesSizeInMb = 0 });
        foreach (var e in episodes)
        {
            for (var i = 0; i < e.Length; i++)
            {
                var images = new Dictionary<string, CameraFrame>();
                if (cameraSize > 0)
                {
                    var rgb = new byte[cameraSize * cameraSize * 3];
                    for (var p = 0; p < rgb.Length; p++) rgb[p] = (byte)(p * 7 + i * 3);
                    images[FeatureKeys.Image("front")] = new CameraFrame(cameraSize, cameraSize, rgb, i, i / (double)Fps);
                }
                writer.AddFrame(new DatasetFrame
                {
                    Values = new Dictionary<string, float[]>
                    {
                        [FeatureKeys.Action] = e.Action[i], [FeatureKeys.State] = e.State[i], [FeatureKeys.Success] = [e.Success[i]],
                    },
                    Images = images,
                });
            }
            writer.SaveEpisode(e.Task);
        }
        return root;
    }

    /// <summary>Rewrites the <c>timestamp</c> column of every data parquet file through <paramref name="retime"/>(episode, frame, timestamp).</summary>
    public static void Retime(string root, Func<long, long, float, float> retime)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(root, "data"), "*.parquet", SearchOption.AllDirectories))
        {
            Parquet.Schema.ParquetSchema schema;
            List<IDictionary<string, object?>> rows;
            using (var stream = File.OpenRead(file))
            {
                var table = ParquetSerializer.DeserializeUntypedAsync(stream, new Parquet.ParquetOptions()).GetAwaiter().GetResult();
                schema = table.Schema;
                rows = table.Data.Cast<IDictionary<string, object?>>().ToList();
            }
            foreach (var row in rows)
                row["timestamp"] = retime(Convert.ToInt64(row["episode_index"]), Convert.ToInt64(row["frame_index"]), Convert.ToSingle(row["timestamp"]));
            using var output = File.Create(file);
            ParquetSerializer.SerializeUntypedAsync(rows, schema, output).GetAwaiter().GetResult();
        }
    }

    /// <summary>Edits meta/stats.json in place.</summary>
    public static void EditStats(string root, Action<JsonObject> edit)
    {
        var path = Path.Combine(root, "meta", "stats.json");
        var stats = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(stats);
        File.WriteAllText(path, stats.ToJsonString());
    }
}
