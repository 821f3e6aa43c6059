namespace RobotHost.Control;

/// <summary>Which devices make a <see cref="Rig"/>: plugin keys and their <c>name=value</c> options.</summary>
/// <param name="RobotKey">Robot key, e.g. <c>so101_follower</c>.</param>
/// <param name="RobotOptions">Robot config.</param>
/// <param name="TeleopKey">Teleoperator key, or null for a rig without one (rollout, replay).</param>
/// <param name="TeleopOptions">Teleoperator config.</param>
/// <param name="CameraKeys">Camera keys in order.</param>
/// <param name="CameraOptions">Each camera's config, by position (missing entries: defaults).</param>
public sealed record RigSpec(
    string RobotKey,
    IReadOnlyDictionary<string, string>? RobotOptions = null,
    string? TeleopKey = null,
    IReadOnlyDictionary<string, string>? TeleopOptions = null,
    IReadOnlyList<string>? CameraKeys = null,
    IReadOnlyList<IReadOnlyDictionary<string, string>>? CameraOptions = null);
