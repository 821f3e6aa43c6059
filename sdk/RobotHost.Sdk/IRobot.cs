namespace RobotHost.Sdk;

/// <summary>
/// An actuated device (LeRobot's Robot): features are readable before <see cref="Connect"/>;
/// <see cref="SendAction"/> returns what was really sent after safety clamping;
/// <see cref="Disconnect"/> is always safe to call and always leaves torque off.
/// Calls come from one control thread, except <see cref="Disconnect"/>, which any thread (an e-stop) may call.
/// </summary>
public interface IRobot : IDisposable
{
    /// <summary>Robot type written to datasets, e.g. <c>so101_follower</c>.</summary>
    string RobotType { get; }

    /// <summary>The measured state vector (<c>observation.state</c>), readable before connecting.</summary>
    FeatureSpec StateFeature { get; }

    /// <summary>The action vector (<c>action</c>), readable before connecting.</summary>
    FeatureSpec ActionFeature { get; }

    /// <summary>True between a successful <see cref="Connect"/> and <see cref="Disconnect"/>.</summary>
    bool IsConnected { get; }

    /// <summary>Opens the device; with <paramref name="calibrate"/> runs (or re-runs) calibration first.</summary>
    void Connect(bool calibrate = false);

    /// <summary>Reads the present state.</summary>
    Observation GetObservation();

    /// <summary>Sends a goal; returns the action really sent after limits and max-step clamping.</summary>
    RobotAction SendAction(RobotAction action);

    /// <summary>Torque off and release the device. Idempotent; never throws for an already closed device.</summary>
    void Disconnect();
}
