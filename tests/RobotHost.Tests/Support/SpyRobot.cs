using RobotHost.Sdk;

namespace RobotHost.Tests.Support;

/// <summary>Wraps a real robot (and its optional capabilities) and keeps what it observed and really sent, to compare with a dataset.</summary>
internal sealed class SpyRobot(IRobot inner) : IRobot, ITaskFeedback, IEpisodeAware
{
    public List<float[]> Sent { get; } = [];
    public List<float[]> Observed { get; } = [];
    public int Disconnects { get; private set; }
    public string RobotType => inner.RobotType;
    public FeatureSpec StateFeature => inner.StateFeature;
    public FeatureSpec ActionFeature => inner.ActionFeature;
    public bool IsConnected => inner.IsConnected;
    public void Connect(bool calibrate = false) => inner.Connect(calibrate);

    public Observation GetObservation()
    {
        var observation = inner.GetObservation();
        Observed.Add(observation.ToVector(StateFeature.Names!));
        return observation;
    }

    public RobotAction SendAction(RobotAction action)
    {
        var sent = inner.SendAction(action);
        Sent.Add(sent.ToVector(ActionFeature.Names!));
        return sent;
    }

    public void Disconnect() { Disconnects++; inner.Disconnect(); }
    public float Reward => ((ITaskFeedback)inner).Reward;
    public bool Success => ((ITaskFeedback)inner).Success;
    public bool Done => ((ITaskFeedback)inner).Done;
    public string Condition => ((ITaskFeedback)inner).Condition;
    public void OnEpisodeStart(int episodeIndex, int seed) => (inner as IEpisodeAware)?.OnEpisodeStart(episodeIndex, seed);
    public void Dispose() => inner.Dispose();
}
