namespace RobotHost.Rollout;

/// <summary>
/// Who should drive during a rollout: the policy, or the person at the teleoperator (the t key in the CLI and the TUI).
/// Any thread may flip it; the control loop reads it once per tick and hands over at the next tick.
/// </summary>
public sealed class TakeoverSwitch
{
    private readonly Lock _gate = new();
    private volatile bool _requested;

    /// <summary>True while the person is asked to drive.</summary>
    public bool Requested => _requested;

    /// <summary>Asks for the person (true) or the policy (false).</summary>
    public void Request(bool takeover) => _requested = takeover;

    /// <summary>Flips who drives; returns true when the person now drives.</summary>
    public bool Toggle()
    {
        lock (_gate) return _requested = !_requested;
    }
}
