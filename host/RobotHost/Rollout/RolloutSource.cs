using RobotHost.Control;
using RobotHost.Recording;
using RobotHost.Sdk;

namespace RobotHost.Rollout;

/// <summary>
/// A policy rollout (with a person who may take over at the leader arm) as the recorder's frame source: each frame is
/// what the follower observed, the goal it really received, and who produced that goal (<see cref="FeatureKeys.Source"/>,
/// <see cref="FeatureKeys.Intervention"/>). <see cref="Dispose"/> stops the runner, which turns torque off first.
/// </summary>
internal sealed class RolloutSource : IFrameSource
{
    private readonly RolloutRunner _runner;
    private readonly Rig _rig;
    private readonly IReadOnlyList<string> _stateNames;
    private readonly IReadOnlyList<string> _actionNames;
    private readonly CameraFrame?[] _lastFrames;
    private IReadOnlyDictionary<string, float> _lastSent = new Dictionary<string, float>();
    private int _disposed;

    public RolloutSource(RolloutRunner runner, Rig rig, TimeSpan cameraWarmup)
    {
        _runner = runner;
        _rig = rig;
        var robot = rig.Robot;
        _stateNames = robot.StateFeature.Names ?? throw new RobotHostException($"robot {robot.RobotType} has no names for {robot.StateFeature.Key}; its plugin must name the state elements");
        _actionNames = robot.ActionFeature.Names ?? throw new RobotHostException($"robot {robot.RobotType} has no names for {robot.ActionFeature.Key}; its plugin must name the action elements");
        rig.Connect(cameraWarmup);
        _lastFrames = rig.FirstFrames.ToArray();
        try
        {
            runner.Start();
        }
        catch
        {
            runner.Stop();
            throw;
        }
        var features = new List<FeatureSpec> { robot.StateFeature, robot.ActionFeature };
        features.AddRange(rig.Cameras.Select(c => FeatureSpec.Video(FeatureKeys.Image(c.Name), c.Height, c.Width)));
        features.AddRange(Recorder.SourceFeatures);
        Schema = new DatasetSchema(robot.RobotType, 0, features);
    }

    public DatasetSchema Schema { get; }

    public bool HasRealTime => true;

    public void BeginEpisode(int episodeIndex, int seed) => _runner.BeginEpisode();

    public SourceTick Tick()
    {
        var step = _runner.Step(CancellationToken.None);
        _lastSent = step.Sent.Values;
        var images = new Dictionary<string, CameraFrame>(_lastFrames.Length);
        var repeats = 0;
        for (var i = 0; i < _lastFrames.Length; i++)
        {
            var camera = _rig.Cameras[i];
            // The runner read each camera's newest frame; a camera with nothing new repeats its last one (counted).
            if (!step.Images.TryGetValue(camera.Name, out var frame) || frame.Sequence == _lastFrames[i]?.Sequence) repeats++;
            _lastFrames[i] = frame ?? _lastFrames[i];
            images[FeatureKeys.Image(camera.Name)] = _lastFrames[i]!;
        }
        var action = new float[_actionNames.Count];
        for (var i = 0; i < action.Length; i++)
        {
            // A joint the goal left out (the policy does not drive it) stayed where it was.
            action[i] = step.Sent.Values.TryGetValue(_actionNames[i], out var v) ? v
                : step.Observation.Values.TryGetValue(_actionNames[i], out var p) ? p : float.NaN;
        }
        var values = new Dictionary<string, float[]>(4)
        {
            [_rig.Robot.StateFeature.Key] = step.Observation.ToVector(_stateNames),
            [_rig.Robot.ActionFeature.Key] = action,
            [FeatureKeys.Intervention] = [step.Source is FrameSource.Takeover or FrameSource.Dagger ? 1f : 0f],
            [FeatureKeys.Source] = [(float)step.Source],
        };
        return new SourceTick(new DatasetFrame { Values = values, Images = images }, false, null, repeats);
    }

    public void ResetTick() => _runner.HoldTick();

    /// <summary>The rollout's counts (takeovers, takeover frames) at a recording report, on the loop's thread.</summary>
    public RolloutProgress Progress(RecordProgress recording) =>
        _runner.Progress(recording.EpisodeIndex, recording.Frames, recording.Frames / _runner.Hz, recording.Loop, _lastSent);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _runner.Stop();
    }
}
