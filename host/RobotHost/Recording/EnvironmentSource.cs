using RobotHost.Corrections;
using RobotHost.Learning.Training;
using RobotHost.Sdk;

namespace RobotHost.Recording;

/// <summary>
/// A gym-like environment driven by its scripted expert: Reset(seed), then ExpertAction() → Step() each tick.
/// The frame holds the observation the action was chosen on, the action, and the reward/success after the step
/// (LeRobot's <c>next.*</c> convention). With a <see cref="CorrectionMix"/> it is a DAgger rollout: the executed action
/// is the expert's or the policy's by a β-coin, the recorded action is always the expert's label, and each frame carries
/// <c>source</c> = dagger and <c>intervention</c> = whether the expert's action was the one executed.
/// </summary>
internal sealed class EnvironmentSource : IFrameSource
{
    private readonly IEnvironment _environment;
    private readonly IScriptedExpert _expert;
    private readonly CorrectionMix? _mix;
    private readonly Evaluation.ActionGuard? _guard;
    private Random _coin = new(0);
    private int _segmentLeft;
    private bool _expertSegment;
    private readonly FeatureSpec[] _vectorFeatures;
    private readonly (string Key, string Camera)[] _cameras;
    private StepResult? _current;
    private int _steps;

    public EnvironmentSource(IEnvironment environment, string robotType, CorrectionMix? mix = null)
    {
        _environment = environment;
        _mix = mix;
        _expert = environment as IScriptedExpert
            ?? throw new RobotHostException($"environment '{environment.TaskName}' has no scripted expert, so it cannot generate demonstrations; record it with --robot/--teleop instead");
        _vectorFeatures = environment.ObservationFeatures.Where(f => !f.IsVisual).ToArray();
        foreach (var f in _vectorFeatures)
            if (f.Names is null) throw new RobotHostException($"environment '{environment.TaskName}' feature {f.Key} has no element names; its plugin must name them");
        if (environment.ActionFeature.Names is null)
            throw new RobotHostException($"environment '{environment.TaskName}' action has no element names; its plugin must name them");
        // The evaluator's own check of a policy's action: an action it would refuse in evaluation is not executed here either.
        if (mix is not null)
            _guard = new Evaluation.ActionGuard(environment.ActionFeature.Names, null, null, new Evaluation.EvalOptions().ActionMagnitudeLimit);
        var visual = environment.ObservationFeatures.Where(f => f.IsVisual).ToArray();
        // Environments may name cameras by feature key (observation.images.top) or by camera name (top).
        _cameras = visual.Select(f =>
        {
            var key = f.Key.StartsWith(FeatureKeys.ImagePrefix, StringComparison.Ordinal) ? f.Key : FeatureKeys.Image(f.Key);
            return (key, key[FeatureKeys.ImagePrefix.Length..]);
        }).ToArray();
        var features = new List<FeatureSpec>(_vectorFeatures) { environment.ActionFeature };
        features.AddRange(visual.Select((f, i) => FeatureSpec.Video(_cameras[i].Key, f.Shape[0], f.Shape[1])));
        features.AddRange(Recorder.TaskFeatures);
        if (mix is not null) features.AddRange(Recorder.SourceFeatures);
        Schema = new DatasetSchema(robotType, environment.Fps, features);
    }

    /// <summary>Ticks on which the policy's action was executed (DAgger rollouts).</summary>
    public long PolicyTicks { get; private set; }

    /// <summary>Ticks on which the expert's action was executed.</summary>
    public long ExpertTicks { get; private set; }

    /// <summary>Ticks on which the policy gave no usable action (threw, wrong length, not finite) and the expert's ran.</summary>
    public long InvalidPolicyTicks { get; private set; }

    public DatasetSchema Schema { get; }

    public bool HasRealTime => false;

    public void BeginEpisode(int episodeIndex, int seed)
    {
        _current = _environment.Reset(seed);
        _steps = 0;
        if (_mix is null) return;
        _mix.Policy.Reset();
        _coin = new Random(unchecked((int)SeedStreams.Derive(_mix.Seed, seed, 0xDA66)));
        _segmentLeft = 0;
    }

    public SourceTick Tick()
    {
        var current = _current ?? throw new InvalidOperationException("BeginEpisode first");
        var action = _expert.ExpertAction();
        var observation = current.Observation;
        var values = new Dictionary<string, float[]>(_vectorFeatures.Length + 3);
        foreach (var f in _vectorFeatures) values[f.Key] = observation.ToVector(f.Names!);
        var images = new Dictionary<string, CameraFrame>(_cameras.Length);
        foreach (var (key, camera) in _cameras)
        {
            images[key] = observation.Images.TryGetValue(camera, out var frame) || observation.Images.TryGetValue(key, out frame)
                ? frame
                : throw new RobotHostException($"environment '{_environment.TaskName}' declared camera '{camera}' but its observation has none (has: {string.Join(", ", observation.Images.Keys)})");
        }
        values[_environment.ActionFeature.Key] = action;
        var executed = action;
        if (_mix is not null)
        {
            executed = Mix(action, observation);
            values[FeatureKeys.Intervention] = [ReferenceEquals(executed, action) ? 1f : 0f];
            values[FeatureKeys.Source] = [(float)FrameSource.Dagger];
        }
        var next = _environment.Step(executed);
        _steps++;
        values[FeatureKeys.Reward] = [next.Reward];
        values[FeatureKeys.Success] = [next.Success ? 1f : 0f];
        _current = next;
        return new SourceTick(new DatasetFrame { Values = values, Images = images }, next.Done || _steps >= _environment.MaxSteps, next.Success, 0);
    }

    /// <summary>
    /// The action to execute: the policy is asked every tick (temporal ensembling and action queues need every
    /// observation); the segment's coin says whose runs; a policy action that is unusable falls back to the expert's.
    /// </summary>
    private float[] Mix(float[] expert, Observation observation)
    {
        float[]? proposed;
        try { proposed = _mix!.Policy.SelectAction(observation); }
        catch (Exception e) when (e is not OperationCanceledException) { proposed = null; }
        if (_segmentLeft <= 0)
        {
            _expertSegment = _coin.NextDouble() < _mix!.Beta;
            _segmentLeft = Math.Max(1, _mix.SegmentTicks);
        }
        _segmentLeft--;
        var useExpert = _expertSegment;
        if (_guard!.Check(proposed) is not null)
        {
            InvalidPolicyTicks++;
            useExpert = true;
        }
        if (useExpert)
        {
            ExpertTicks++;
            return expert;
        }
        PolicyTicks++;
        return proposed!;
    }

    public void ResetTick() { }

    public void Dispose() { }
}
