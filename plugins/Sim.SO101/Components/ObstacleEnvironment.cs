using RobotHost.Plugins.Sim.SO101.Obstacle;
using RobotHost.Plugins.Sim.SO101.Rendering;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// <c>obstacle_2d</c>, the classic example of a multimodal expert (docs/experiments/obstacle.md): a point agent below a wide obstacle must reach a
/// goal above it. The agent is a car at constant speed: state <c>observation.state</c> = [x, y, heading] (heading in
/// radians from straight up, positive toward +x); action = [steer], the steering rate in rad/s (clamped to ±4), like
/// the example's robot that can steer left or right, so the mean of "swerve left" and "swerve right" is "straight on".
/// A crash into the obstacle ends the episode. Success = goal reached with no crash.
/// <see cref="Condition"/> is the expert's side for the seed ("left"/"right"); <c>Info["side"]</c> is the side the
/// agent really passed on (−1 left, +1 right, 0 not past), <c>Info["collisions"]</c> the ticks it was blocked.
/// </summary>
public sealed class ObstacleEnvironment : IEnvironment, IScriptedExpert
{
    public static readonly IReadOnlyList<string> Names = ["x", "y", "heading"];
    public static readonly IReadOnlyList<string> ActionNames = ["steer"];

    private readonly ObstacleEnvConfig _config;
    private readonly ObstacleWorld _world;
    private readonly ObstacleExpert _expert = new();
    private readonly ObstacleRenderer? _renderer;
    private int _steps;

    public ObstacleEnvironment(ObstacleEnvConfig config)
    {
        _config = config;
        _world = new ObstacleWorld(config.Fps);
        var features = new List<FeatureSpec> { FeatureSpec.Vector(FeatureKeys.State, Names) };
        if (SimConfigRules.CameraList(config.Cameras).Contains("top"))
        {
            _renderer = new ObstacleRenderer(config.ImageWidth, config.ImageHeight);
            features.Add(FeatureSpec.Video(FeatureKeys.Image("top"), config.ImageHeight, config.ImageWidth));
        }
        ObservationFeatures = features;
        Reset(0);
    }

    public string TaskName => "obstacle_2d";
    public int Fps => _config.Fps;
    public int MaxSteps => _config.MaxSteps;
    public IReadOnlyList<FeatureSpec> ObservationFeatures { get; }
    public FeatureSpec ActionFeature { get; } = FeatureSpec.Vector(FeatureKeys.Action, ActionNames);
    public string Condition => _expert.Side < 0 ? "left" : "right";

    /// <summary>The world, for tests and tools.</summary>
    public ObstacleWorld World => _world;

    public StepResult Reset(int seed)
    {
        _world.Reset(seed);
        _expert.Plan(_world);
        _steps = 0;
        return Result();
    }

    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (action.Length != 1) throw new ArgumentException($"obstacle_2d takes 1 action value (steer: the steering rate in rad/s), got {action.Length}");
        _world.Step(action[0]);
        _steps++;
        return Result();
    }

    public float[] ExpertAction() => _expert.Action(_world);

    private StepResult Result()
    {
        var time = _world.EpisodeTick / (double)_world.Fps;
        var images = new Dictionary<string, CameraFrame>();
        if (_renderer is not null)
            images["top"] = new CameraFrame(_renderer.Width, _renderer.Height, _renderer.Render(_world), _world.EpisodeTick, time);
        var observation = new Observation
        {
            Values = new Dictionary<string, float> { ["x"] = (float)_world.X, ["y"] = (float)_world.Y, ["heading"] = (float)_world.Heading },
            Images = images,
            Timestamp = time,
        };
        return new StepResult(observation, _world.Reward, _world.GoalReached || _world.Crashed || _steps >= MaxSteps, _world.Success)
        {
            Info = new Dictionary<string, float>
            {
                ["collisions"] = _world.Collisions,
                ["side"] = _world.PassedSide,
                ["expert_side"] = _expert.Side,
                ["distance_to_goal"] = (float)_world.DistanceToGoal,
            },
        };
    }

    public void Dispose() => _renderer?.Dispose();
}
