using RobotHost.Sdk;

namespace RobotHost.Learning.Tests.Support;

/// <summary>
/// A tiny imitation task with a known answer: a 2-D "arm" starts at the origin and moves 20% of the way to a goal each
/// frame; the action is the next position. In the state-only variant the goal is part of the state; in the image variant
/// the state is the arm position only and the goal is a bright square in a 32×32 camera image, so the first action of an
/// episode can only be predicted by looking at the image.
/// </summary>
internal static class ReachTask
{
    public const int Fps = 10;
    public static readonly string[] StateNames2 = ["arm.x", "arm.y"];
    public static readonly string[] StateNames4 = ["arm.x", "arm.y", "goal.x", "goal.y"];
    public static readonly string[] ActionNames = ["target.x", "target.y"];

    public static DatasetSchema Schema(bool images, int size = 32) => new("toy_reacher", Fps,
        images
            ? [FeatureSpec.Vector(FeatureKeys.State, StateNames2), FeatureSpec.Vector(FeatureKeys.Action, ActionNames), FeatureSpec.Video(FeatureKeys.Image("front"), size, size)]
            : [FeatureSpec.Vector(FeatureKeys.State, StateNames4), FeatureSpec.Vector(FeatureKeys.Action, ActionNames)]);

    /// <summary>Episodes of frames: goals spread around a circle.</summary>
    public static List<List<DatasetFrame>> Episodes(int episodes, int length, bool images, int size = 32)
    {
        var result = new List<List<DatasetFrame>>();
        for (var e = 0; e < episodes; e++)
        {
            var angle = 2 * Math.PI * e / episodes + 0.3;
            var goal = (X: (float)(0.8 * Math.Cos(angle)), Y: (float)(0.8 * Math.Sin(angle)));
            var arm = (X: 0f, Y: 0f);
            var frames = new List<DatasetFrame>();
            for (var t = 0; t < length; t++)
            {
                var next = (X: arm.X + 0.2f * (goal.X - arm.X), Y: arm.Y + 0.2f * (goal.Y - arm.Y));
                var state = images ? new[] { arm.X, arm.Y } : new[] { arm.X, arm.Y, goal.X, goal.Y };
                frames.Add(new DatasetFrame
                {
                    Values = new Dictionary<string, float[]> { [FeatureKeys.State] = state, [FeatureKeys.Action] = [next.X, next.Y] },
                    Images = images ? new Dictionary<string, CameraFrame> { [FeatureKeys.Image("front")] = Render(goal, size, t) } : new Dictionary<string, CameraFrame>(),
                });
                arm = next;
            }
            result.Add(frames);
        }
        return result;
    }

    /// <summary>Dark background, a bright 8×8 square at the goal.</summary>
    public static CameraFrame Render((float X, float Y) goal, int size, long sequence)
    {
        var rgb = new byte[size * size * 3];
        for (var i = 0; i < rgb.Length; i += 3) { rgb[i] = 30; rgb[i + 1] = 40; rgb[i + 2] = 50; }
        var cx = (int)((goal.X + 1) / 2 * (size - 8));
        var cy = (int)((goal.Y + 1) / 2 * (size - 8));
        for (var y = cy; y < cy + 8; y++)
            for (var x = cx; x < cx + 8; x++)
            {
                var p = (y * size + x) * 3;
                rgb[p] = 250; rgb[p + 1] = 220; rgb[p + 2] = 40;
            }
        return new CameraFrame(size, size, rgb, sequence, sequence / (double)Fps);
    }

    /// <summary>The observation a robot would give at frame <paramref name="frame"/>.</summary>
    public static Observation Observation(DatasetFrame frame, bool images)
    {
        var names = images ? StateNames2 : StateNames4;
        var state = frame.Values[FeatureKeys.State];
        return new Observation
        {
            Values = names.Select((n, i) => (n, state[i])).ToDictionary(x => x.n, x => x.Item2),
            Images = images ? new Dictionary<string, CameraFrame> { ["front"] = frame.Images[FeatureKeys.Image("front")] } : new Dictionary<string, CameraFrame>(),
        };
    }
}
