using RobotHost.Sdk;

namespace RobotHost.Tests.Support;

/// <summary>
/// A tiny deterministic 2-D reaching task for evaluation tests: the agent starts at (0, 0) and must reach a goal at
/// (±0.5, 1) ("left" for even seeds, "right" for odd ones). Actions are position deltas clipped to 0.1 per step.
/// Crossing the box |x| &lt; 0.1, 0.4 &lt; y &lt; 0.6 counts a collision. Renders a 16×12 camera "front".
/// </summary>
internal sealed class FakeReachEnvironment : IEnvironment
{
    private static readonly string[] StateNames = ["agent.x", "agent.y", "goal.x", "goal.y"];
    private float _x, _y, _goalX, _goalY, _collisions;
    private long _frame;

    public string TaskName => "reach_2d";
    public int Fps => 10;
    public int MaxSteps { get; init; } = 40;
    public int ResetCount { get; private set; }
    public List<float[]> Applied { get; } = [];

    public IReadOnlyList<FeatureSpec> ObservationFeatures { get; } =
        [FeatureSpec.Vector(FeatureKeys.State, StateNames), FeatureSpec.Video(FeatureKeys.Image("front"), 12, 16)];

    public FeatureSpec ActionFeature { get; } = FeatureSpec.Vector(FeatureKeys.Action, ["dx", "dy"]);

    public string Condition => _goalX < 0 ? "left" : "right";

    public StepResult Reset(int seed)
    {
        ResetCount++;
        _x = _y = _collisions = 0;
        _goalX = seed % 2 == 0 ? -0.5f : 0.5f;
        _goalY = 1f;
        return Result();
    }

    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (action.Length != 2) throw new ArgumentException("2 values expected");
        Applied.Add(action.ToArray());
        _x += Math.Clamp(action[0], -0.1f, 0.1f);
        _y += Math.Clamp(action[1], -0.1f, 0.1f);
        if (MathF.Abs(_x) < 0.1f && _y is > 0.4f and < 0.6f) _collisions++;
        return Result();
    }

    public float Distance => MathF.Sqrt((_goalX - _x) * (_goalX - _x) + (_goalY - _y) * (_goalY - _y));

    private StepResult Result()
    {
        var success = Distance < 0.05f;
        var observation = new Observation
        {
            Values = new Dictionary<string, float> { ["agent.x"] = _x, ["agent.y"] = _y, ["goal.x"] = _goalX, ["goal.y"] = _goalY },
            Images = new Dictionary<string, CameraFrame> { ["front"] = Render() },
            Timestamp = _frame / (double)Fps,
        };
        return new StepResult(observation, 1 - Math.Min(1, Distance), success, success)
        {
            Info = new Dictionary<string, float> { ["collisions"] = _collisions },
        };
    }

    private CameraFrame Render()
    {
        var rgb = new byte[16 * 12 * 3];
        var px = Math.Clamp((int)((_x + 1) * 8), 0, 15);
        var py = Math.Clamp((int)(_y * 11), 0, 11);
        var i = (py * 16 + px) * 3;
        rgb[i] = 255;
        rgb[i + 1] = 255;
        return new CameraFrame(16, 12, rgb, _frame++, 0);
    }

    public void Dispose() { }
}
