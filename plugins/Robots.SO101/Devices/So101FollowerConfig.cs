using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>
/// Config of <c>so101_follower</c> (LeRobot SOFollowerConfig, same names): the arm that copies the leader, torque on.
/// </summary>
public sealed record So101FollowerConfig : ComponentConfig
{
    /// <summary>Serial port of the arm's adapter, e.g. <c>/dev/ttyACM0</c> (find it with <c>robothost find-port</c>).</summary>
    public string Port { get; init; } = "";

    /// <summary>The arm's name: its calibration file is <c>&lt;id&gt;.json</c>.</summary>
    public string Id { get; init; } = "default";

    /// <summary>Folder of calibration files; default LeRobot's <c>…/calibration/robots/so_follower</c>.</summary>
    public string? CalibrationDir { get; init; }

    /// <summary>Largest step from the present position per action, in user units (degrees / 0–100); null = no cap.</summary>
    public float? MaxRelativeTarget { get; init; } = 20f;

    /// <summary>Body joints in degrees (true, LeRobot's default) or −100..100.</summary>
    public bool UseDegrees { get; init; } = true;

    /// <summary>Position P gain (LeRobot 16: lower than the factory 32 to avoid shaking).</summary>
    public int PositionPCoefficient { get; init; } = 16;

    /// <summary>Position I gain.</summary>
    public int PositionICoefficient { get; init; }

    /// <summary>Position D gain.</summary>
    public int PositionDCoefficient { get; init; } = 32;

    /// <summary>Extra attempts after a corrupt or missing reply.</summary>
    public int NumReadRetries { get; init; } = 2;

    /// <summary>How long to wait for a servo's reply, ms.</summary>
    public int ReplyTimeoutMs { get; init; } = 50;

    /// <summary>Torque goes off when no action arrives for this long, ms (0 disables the watchdog).</summary>
    public int WatchdogMs { get; init; } = 1000;

    /// <summary>Failed bus transactions in a row (each already retried) after which the arm turns torque off itself and refuses goals until reconnected; a lost port trips at once.</summary>
    public int FailSafeAfter { get; init; } = 3;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Port))
            yield return $"port is required, e.g. port=/dev/ttyACM0 ({Transport.SerialPorts.DescribeCandidates()})";
        if (string.IsNullOrWhiteSpace(Id) || Id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            yield return $"id must be a plain name usable as a file name (e.g. my_follower), got '{Id}'";
        if (MaxRelativeTarget is <= 0)
            yield return $"max_relative_target must be positive or null, got {MaxRelativeTarget}";
        foreach (var (name, value) in new[] { ("position_p_coefficient", PositionPCoefficient), ("position_i_coefficient", PositionICoefficient), ("position_d_coefficient", PositionDCoefficient) })
            if (value is < 0 or > 254) yield return $"{name} must be between 0 and 254, got {value}";
        if (NumReadRetries is < 0 or > 10) yield return $"num_read_retries must be between 0 and 10, got {NumReadRetries}";
        if (ReplyTimeoutMs is < 1 or > 1000) yield return $"reply_timeout_ms must be between 1 and 1000, got {ReplyTimeoutMs}";
        if (WatchdogMs < 0) yield return $"watchdog_ms must be 0 (off) or positive, got {WatchdogMs}";
        if (FailSafeAfter < 1) yield return $"fail_safe_after must be 1 or more, got {FailSafeAfter}";
    }
}
