using RobotHost.Sdk;

namespace RobotHost.Tui;

/// <summary>
/// Passes every call to the real robot and keeps the newest observation, so the TUI shows joint positions the
/// control loop already read instead of reading the bus itself (one reader per bus; the UI never blocks the loop).
/// </summary>
public sealed class ObservedRobot(IRobot inner) : IRobot
{
    private volatile Observation? _latest;

    /// <summary>The wrapped robot.</summary>
    public IRobot Inner { get; } = inner;

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
    public void Dispose() => Inner.Dispose();
}
