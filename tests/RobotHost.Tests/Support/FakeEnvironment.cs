using RobotHost.Sdk;

namespace RobotHost.Tests.Support;

/// <summary>A 2-D point that the expert walks toward a goal set by the seed; one 4×4 camera.</summary>
internal sealed class FakeEnvironment : IEnvironment, IScriptedExpert
{
    private float _x, _y, _gx, _gy;
    private int _steps;
    public List<int> ResetSeeds { get; } = [];
    public List<float[]> Actions { get; } = [];
    public string TaskName => "fake_reach";
    public int Fps => 10;
    public int MaxSteps => 50;
    public IReadOnlyList<FeatureSpec> ObservationFeatures { get; } =
    [
        FeatureSpec.Vector(FeatureKeys.State, ["x", "y"]),
        FeatureSpec.Video(FeatureKeys.Image("top"), 4, 4),
    ];
    public FeatureSpec ActionFeature { get; } = FeatureSpec.Vector(FeatureKeys.Action, ["vx", "vy"]);
    public string Condition => _gx > 0 ? "right" : "left";

    public StepResult Reset(int seed)
    {
        ResetSeeds.Add(seed);
        var random = new Random(seed);
        (_x, _y, _steps) = (0, 0, 0);
        (_gx, _gy) = ((float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1);
        return Result();
    }

    public StepResult Step(ReadOnlySpan<float> action)
    {
        Actions.Add(action.ToArray());
        _x += action[0];
        _y += action[1];
        _steps++;
        return Result();
    }

    public float[] ExpertAction() => [Math.Clamp(_gx - _x, -0.1f, 0.1f), Math.Clamp(_gy - _y, -0.1f, 0.1f)];

    private StepResult Result()
    {
        var success = MathF.Abs(_gx - _x) < 1e-3f && MathF.Abs(_gy - _y) < 1e-3f;
        var image = new CameraFrame(4, 4, new byte[48], _steps, HostClock.Now);
        var observation = new Observation { Values = new Dictionary<string, float> { ["x"] = _x, ["y"] = _y }, Images = new Dictionary<string, CameraFrame> { ["top"] = image } };
        return new StepResult(observation, success ? 1 : 0, success || _steps >= MaxSteps, success);
    }

    public void Dispose() { }
}
