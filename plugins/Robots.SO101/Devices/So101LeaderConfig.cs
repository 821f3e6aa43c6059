using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>Config of <c>so101_leader</c> (LeRobot SOLeaderConfig): the arm moved by hand, torque off.</summary>
public sealed record So101LeaderConfig : ComponentConfig
{
    /// <summary>Serial port of the arm's adapter, e.g. <c>/dev/ttyACM1</c>.</summary>
    public string Port { get; init; } = "";

    /// <summary>The arm's name: its calibration file is <c>&lt;id&gt;.json</c>.</summary>
    public string Id { get; init; } = "default";

    /// <summary>Folder of calibration files; default LeRobot's <c>…/calibration/teleoperators/so_leader</c>.</summary>
    public string? CalibrationDir { get; init; }

    /// <summary>Body joints in degrees (true) or −100..100.</summary>
    public bool UseDegrees { get; init; } = true;

    /// <summary>Extra attempts after a corrupt or missing reply.</summary>
    public int NumReadRetries { get; init; } = 2;

    /// <summary>How long to wait for a servo's reply, ms.</summary>
    public int ReplyTimeoutMs { get; init; } = 50;

    /// <summary>
    /// During a rollout with takeover, hold torque and follow the follower's goals so the person grabs the leader where
    /// the follower is; false for a leader whose servos cannot hold a pose (the follower then ramps at handover).
    /// </summary>
    public bool Mirror { get; init; } = true;

    /// <summary>Largest goal change per call while mirroring, from the present position (as the follower's max_relative_target).</summary>
    public float? MaxRelativeTarget { get; init; } = 20f;

    /// <summary>Failed bus transactions in a row (each already retried) after which the arm turns torque off itself and refuses goals until reconnected; a lost port trips at once.</summary>
    public int FailSafeAfter { get; init; } = 3;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Port))
            yield return $"port is required, e.g. port=/dev/ttyACM1 ({Transport.SerialPorts.DescribeCandidates()})";
        if (string.IsNullOrWhiteSpace(Id) || Id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            yield return $"id must be a plain name usable as a file name (e.g. my_leader), got '{Id}'";
        if (NumReadRetries is < 0 or > 10) yield return $"num_read_retries must be between 0 and 10, got {NumReadRetries}";
        if (MaxRelativeTarget is <= 0) yield return $"max_relative_target must be positive or null, got {MaxRelativeTarget}";
        if (ReplyTimeoutMs is < 1 or > 1000) yield return $"reply_timeout_ms must be between 1 and 1000, got {ReplyTimeoutMs}";
        if (FailSafeAfter < 1) yield return $"fail_safe_after must be 1 or more, got {FailSafeAfter}";
    }
}
