using RobotHost.Sdk;

namespace RobotHost.Tui;

/// <summary>
/// Passes every call to the real robot and keeps the newest observation, so the TUI shows joint positions the
/// control loop already read instead of reading the bus itself (one reader per bus; the UI never blocks the loop).
/// The recorder looks for the optional <see cref="IEpisodeAware"/> and <see cref="ITaskFeedback"/> on the robot it is
/// given, so the wrapper must show the same capabilities as the robot it wraps: create it with <see cref="Wrap"/>.
/// </summary>
public class ObservedRobot : IRobot, IEpisodeAware
{
    private volatile Observation? _latest;

    /// <summary>Wraps <paramref name="inner"/>; prefer <see cref="Wrap"/>, which keeps the robot's task feedback visible.</summary>
    public ObservedRobot(IRobot inner) => Inner = inner;

    /// <summary>
    /// Wraps <paramref name="inner"/>, implementing <see cref="ITaskFeedback"/> exactly when it does: a simulated robot then
    /// still ends episodes when its task is done and records success, and a real robot still records no success column.
    /// </summary>
    public static ObservedRobot Wrap(IRobot inner) => inner is ITaskFeedback feedback ? new WithFeedback(inner, feedback) : new ObservedRobot(inner);

    /// <summary>The wrapped robot.</summary>
    public IRobot Inner { get; }

    /// <summary>Newest observation the control loop read, or null before the first.</summary>
    public Observation? Latest => _latest;

    /// <inheritdoc />
    public string RobotType => Inner.RobotType;
    /// <inheritdoc />
    public FeatureSpec StateFeature => Inner.StateFeature;
    /// <inheritdoc />
    public FeatureSpec ActionFeature => Inner.ActionFeature;
    /// <inheritdoc />
    public bool IsConnected => Inner.IsConnected;
    /// <inheritdoc />
    public void Connect(bool calibrate = false) => Inner.Connect(calibrate);

    /// <inheritdoc />
    public Observation GetObservation()
    {
        var observation = Inner.GetObservation();
        _latest = observation;
        return observation;
    }

    /// <inheritdoc />
    public RobotAction SendAction(RobotAction action) => Inner.SendAction(action);
    /// <inheritdoc />
    public void Disconnect() => Inner.Disconnect();
    /// <inheritdoc />
    public void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Forwards to the robot when it wants episode starts (a simulated rig re-seeds its world); otherwise nothing.</summary>
    public void OnEpisodeStart(int episodeIndex, int seed) => (Inner as IEpisodeAware)?.OnEpisodeStart(episodeIndex, seed);

    private sealed class WithFeedback(IRobot inner, ITaskFeedback feedback) : ObservedRobot(inner), ITaskFeedback
    {
        public float Reward => feedback.Reward;
        public bool Success => feedback.Success;
        public bool Done => feedback.Done;
        public string Condition => feedback.Condition;
    }
}
