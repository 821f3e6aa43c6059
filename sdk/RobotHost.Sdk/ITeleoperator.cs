namespace RobotHost.Sdk;

/// <summary>A source of actions: a leader arm moved by hand, a keyboard, or a scripted expert.</summary>
public interface ITeleoperator : IDisposable
{
    /// <summary>The action vector it produces, readable before connecting; matches a robot's <see cref="IRobot.ActionFeature"/>.</summary>
    FeatureSpec ActionFeature { get; }

    /// <summary>True between <see cref="Connect"/> and <see cref="Disconnect"/>.</summary>
    bool IsConnected { get; }

    /// <summary>Opens the device; with <paramref name="calibrate"/> runs calibration first.</summary>
    void Connect(bool calibrate = false);

    /// <summary>The action for this tick.</summary>
    RobotAction GetAction();

    /// <summary>Releases the device. Idempotent.</summary>
    void Disconnect();
}
