using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Plugins.Sim.SO101.Rendering;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// <c>pick_place</c> as a gym-like environment: the same world, dynamics, fps and feature keys as the robot path
/// (<c>sim_so101</c> + <c>sim_front</c>/<c>sim_wrist</c> + <c>sim_expert</c>), so a policy trained on data recorded
/// through the robot can be evaluated here. <c>Reset(seed)</c> places the same scene the robot places for that seed.
/// </summary>
public sealed class PickPlaceEnvironment : IEnvironment, IScriptedExpert
{
    private readonly PickPlaceEnvConfig _config;
    private readonly PickPlaceWorld _world;
    private readonly List<(string Name, PickPlaceRenderer Renderer)> _cameras = [];
    private readonly PickPlaceExpert _expert;
    private readonly double[] _goals = new double[So101Joints.Count];
    private int _steps;

    public PickPlaceEnvironment(PickPlaceEnvConfig config, ExpertOptions? expertOptions = null)
    {
        _config = config;
        _world = new PickPlaceWorld(config.Fps) { ActionNoise = config.ActionNoise, RecoveryStarts = config.RecoveryStarts, ForcedZone = config.Zone };
        _expert = new PickPlaceExpert(expertOptions ?? new ExpertOptions());
        var features = new List<FeatureSpec> { So101Joints.Feature(FeatureKeys.State) };
        foreach (var name in SimConfigRules.CameraList(config.Cameras))
        {
            var view = name == "front" ? RigView.Front : RigView.Wrist;
            _cameras.Add((name, new PickPlaceRenderer(view, config.ImageWidth, config.ImageHeight, config.Noise, config.ColorJitter,
                SimConfigRules.ParseFraming(config.FrontFraming))));
            features.Add(FeatureSpec.Video(FeatureKeys.Image(name), config.ImageHeight, config.ImageWidth));
        }
        ObservationFeatures = features;
    }

    public string TaskName => "pick_place";
    public int Fps => _config.Fps;
    public int MaxSteps => _config.MaxSteps;
    public IReadOnlyList<FeatureSpec> ObservationFeatures { get; }
    public FeatureSpec ActionFeature { get; } = So101Joints.Feature(FeatureKeys.Action);
    public string Condition => _world.Condition;

    /// <summary>The world, for tests and tools (read only by convention).</summary>
    public PickPlaceWorld World => _world;

    /// <summary>The expert's plan variant of this episode (see <see cref="PickPlaceExpert.Variant"/>).</summary>
    public string ExpertVariant => _expert.Variant;

    /// <summary>The phase the expert chose at its last action (see <see cref="PickPlaceExpert.Phase"/>).</summary>
    public string ExpertPhase => _expert.Phase;

    public StepResult Reset(int seed)
    {
        _world.BeginEpisode(0, seed);
        _steps = 0;
        return Result();
    }

    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (action.Length != So101Joints.Count)
            throw new ArgumentException($"pick_place takes {So101Joints.Count} action values ({string.Join(", ", So101Joints.Names)}), got {action.Length}");
        var previous = _world.Goals;
        for (var j = 0; j < So101Joints.Count; j++) _goals[j] = float.IsFinite(action[j]) ? action[j] : previous[j];
        _world.Step(_goals);
        _steps++;
        return Result();
    }

    public float[] ExpertAction()
    {
        var goals = _expert.Action(_world);
        var action = new float[goals.Length];
        for (var j = 0; j < goals.Length; j++) action[j] = (float)goals[j];
        return action;
    }

    private StepResult Result()
    {
        var scene = _world.Snapshot();
        var time = _world.EpisodeTick / (double)_world.Fps;
        var images = new Dictionary<string, CameraFrame>(_cameras.Count);
        foreach (var (name, renderer) in _cameras)
            images[name] = new CameraFrame(renderer.Width, renderer.Height, renderer.Render(scene), scene.Tick, time);
        var observation = new Observation { Values = SimRobot.JointValues(_world.Joints), Images = images, Timestamp = time };
        return new StepResult(observation, _world.Reward, _world.Done || _steps >= MaxSteps, _world.Success)
        {
            Info = new Dictionary<string, float>
            {
                ["zone"] = _world.Zone,
                ["grasped"] = _world.CubeHeld ? 1 : 0,
                ["cube_in_bin"] = _world.CubeInBin ? 1 : 0,
            },
        };
    }

    public void Dispose()
    {
        foreach (var (_, renderer) in _cameras) renderer.Dispose();
        _cameras.Clear();
    }
}
