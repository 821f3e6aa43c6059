using RobotHost.Control;
using RobotHost.Sdk;

namespace RobotHost.Recording;

/// <summary>
/// Robot + teleoperator + cameras as a frame source. Connecting turns torque on; <see cref="Dispose"/> disconnects the
/// rig (robot first: torque off) and never throws, so it is safe on every exit path.
/// </summary>
internal sealed class RigSource : IFrameSource
{
    private readonly Rig _rig;
    private readonly ITeleoperator _teleoperator;
    private readonly IReadOnlyList<string> _stateNames;
    private readonly IReadOnlyList<string> _actionNames;
    private readonly string[] _imageKeys;
    private readonly CameraFrame?[] _lastFrames;
    private readonly ITaskFeedback? _feedback;
    private int _disposed;

    public RigSource(Rig rig, TimeSpan cameraWarmup)
    {
        _rig = rig;
        var robot = rig.Robot;
        _teleoperator = rig.Teleoperator ?? throw new RobotHostException("recording needs a teleoperator to produce the actions; pass --teleop (e.g. so101_leader or sim_expert)");
        _stateNames = robot.StateFeature.Names ?? throw new RobotHostException($"robot {robot.RobotType} has no names for {robot.StateFeature.Key}; its plugin must name the state elements");
        _actionNames = robot.ActionFeature.Names ?? throw new RobotHostException($"robot {robot.RobotType} has no names for {robot.ActionFeature.Key}; its plugin must name the action elements");
        var teleopNames = _teleoperator.ActionFeature.Names ?? [];
        var missing = _actionNames.Except(teleopNames).ToList();
        if (missing.Count > 0)
            throw new RobotHostException($"the teleoperator's actions ({string.Join(", ", teleopNames)}) lack {string.Join(", ", missing)} that robot {robot.RobotType} needs; pick a teleoperator made for this robot");
        var names = rig.Cameras.Select(c => c.Name).ToList();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new RobotHostException($"two cameras are named '{duplicate.Key}'; give each camera its own name (camera option name=…)");
        _imageKeys = names.Select(FeatureKeys.Image).ToArray();
        _lastFrames = new CameraFrame?[rig.Cameras.Count];
        _feedback = robot as ITaskFeedback;

        rig.Connect(cameraWarmup);
        for (var i = 0; i < _lastFrames.Length; i++) _lastFrames[i] = rig.FirstFrames[i];

        var features = new List<FeatureSpec> { robot.StateFeature, robot.ActionFeature };
        features.AddRange(rig.Cameras.Select(c => FeatureSpec.Video(FeatureKeys.Image(c.Name), c.Height, c.Width)));
        if (_feedback is not null) features.AddRange(Recorder.TaskFeatures);
        Schema = new DatasetSchema(robot.RobotType, 0, features);
    }

    public DatasetSchema Schema { get; }

    public bool HasRealTime => true;

    public void BeginEpisode(int episodeIndex, int seed)
    {
        // Robot first: a simulator places the scene that the expert then plans in and the cameras then render.
        (_rig.Robot as IEpisodeAware)?.OnEpisodeStart(episodeIndex, seed);
        (_teleoperator as IEpisodeAware)?.OnEpisodeStart(episodeIndex, seed);
        foreach (var camera in _rig.Cameras) (camera as IEpisodeAware)?.OnEpisodeStart(episodeIndex, seed);
    }

    public SourceTick Tick()
    {
        var observation = _rig.Robot.GetObservation();
        // Camera frames are taken with the state (LeRobot's get_observation), before the action moves anything.
        var images = new Dictionary<string, CameraFrame>(_imageKeys.Length);
        var repeats = 0;
        for (var i = 0; i < _imageKeys.Length; i++)
        {
            // Never block on a camera: take its newest frame, or reuse the last one (counted).
            var frame = _rig.Cameras[i].ReadLatest();
            var last = _lastFrames[i];
            if (frame is null || (last is not null && frame.Sequence == last.Sequence))
            {
                repeats++;
                frame ??= last;
            }
            _lastFrames[i] = frame;
            images[_imageKeys[i]] = frame!;
        }
        var goal = _teleoperator.GetAction();
        // Record what the robot really sent (after its limits and max-step clamp), as LeRobot does.
        var sent = _rig.Robot.SendAction(goal);
        var values = new Dictionary<string, float[]>(4)
        {
            [_rig.Robot.StateFeature.Key] = observation.ToVector(_stateNames),
            [_rig.Robot.ActionFeature.Key] = sent.ToVector(_actionNames),
        };
        bool done = false;
        bool? success = null;
        if (_feedback is not null)
        {
            values[FeatureKeys.Reward] = [_feedback.Reward];
            success = _feedback.Success;
            values[FeatureKeys.Success] = [success.Value ? 1f : 0f];
            done = _feedback.Done;
        }
        return new SourceTick(new DatasetFrame { Values = values, Images = images }, done, success, repeats);
    }

    public void ResetTick()
    {
        _rig.Robot.GetObservation();
        _rig.Robot.SendAction(_teleoperator.GetAction());
    }

    public void Dispose()
    {
        // The rig turns torque off first: whatever else fails, the arm must go limp.
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _rig.Disconnect();
    }
}
