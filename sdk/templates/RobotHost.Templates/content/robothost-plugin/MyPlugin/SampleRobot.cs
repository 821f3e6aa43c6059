using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace MyPlugin;

/// <summary>Config of the sample robot: joint limits and the largest goal change allowed per tick.</summary>
public sealed record SampleRobotConfig : ComponentConfig
{
    /// <summary>Lowest allowed goal, degrees.</summary>
    public float MinPosition { get; init; } = -90;
    /// <summary>Highest allowed goal, degrees.</summary>
    public float MaxPosition { get; init; } = 90;
    /// <summary>Largest goal change per tick, degrees (safety: no sudden jumps).</summary>
    public float MaxRelativeTarget { get; init; } = 10;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (MinPosition >= MaxPosition) yield return $"min_position ({MinPosition}) must be below max_position ({MaxPosition})";
        if (MaxRelativeTarget <= 0) yield return $"max_relative_target must be positive, got {MaxRelativeTarget}";
    }
}

/// <summary>
/// A simulated 2-joint arm showing a robot's duties: features readable before Connect, goals clamped to limits and
/// to a max step, the clamped action returned, torque off on Disconnect (always safe to call).
/// </summary>
public sealed class SampleRobot(SampleRobotConfig config, IPluginContext context) : IRobot
{
    private static readonly string[] Joints = ["joint1.pos", "joint2.pos"];
    private readonly ILogger _log = context.LoggerFactory.CreateLogger<SampleRobot>();
    private readonly float[] _position = new float[Joints.Length];

    /// <summary>True while the (simulated) motors hold position.</summary>
    public bool TorqueEnabled { get; private set; }

    /// <inheritdoc />
    public string RobotType => "my_device";
    /// <inheritdoc />
    public FeatureSpec StateFeature { get; } = WithLimits(FeatureSpec.Vector(FeatureKeys.State, Joints), config);
    /// <inheritdoc />
    public FeatureSpec ActionFeature { get; } = WithLimits(FeatureSpec.Vector(FeatureKeys.Action, Joints), config);
    /// <inheritdoc />
    public bool IsConnected { get; private set; }

    /// <inheritdoc />
    public void Connect(bool calibrate = false)
    {
        IsConnected = true;
        TorqueEnabled = true;
        _log.LogInformation("sample robot connected");
    }

    /// <inheritdoc />
    public Observation GetObservation()
    {
        EnsureConnected();
        return new Observation { Values = Joints.Select((j, i) => (j, _position[i])).ToDictionary(p => p.j, p => p.Item2) };
    }

    /// <inheritdoc />
    public RobotAction SendAction(RobotAction action)
    {
        EnsureConnected();
        var goal = action.ToVector(Joints);
        for (var i = 0; i < goal.Length; i++)
        {
            var step = Math.Clamp(goal[i] - _position[i], -config.MaxRelativeTarget, config.MaxRelativeTarget);
            _position[i] = Math.Clamp(_position[i] + step, config.MinPosition, config.MaxPosition);
        }
        return RobotAction.FromVector(Joints, _position);
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        if (!IsConnected) return;
        TorqueEnabled = false; // a real arm: write Torque_Enable = 0 to every motor, even after bus errors
        IsConnected = false;
        _log.LogInformation("sample robot disconnected, torque off");
    }

    /// <inheritdoc />
    public void Dispose() => Disconnect();

    private void EnsureConnected()
    {
        if (!IsConnected) throw new RobotHostException("sample robot is not connected; call Connect() first");
    }

    // Stating the limits lets the host draw each joint's bar over its range and check recorded datasets against it.
    private static FeatureSpec WithLimits(FeatureSpec feature, SampleRobotConfig config) => feature.WithLimits(
        Joints.Select(_ => (double)config.MinPosition).ToArray(), Joints.Select(_ => (double)config.MaxPosition).ToArray(), Joints.Select(_ => "deg").ToArray());
}
