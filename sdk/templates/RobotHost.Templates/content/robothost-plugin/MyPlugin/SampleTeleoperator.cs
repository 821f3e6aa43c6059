using RobotHost.Sdk;

namespace MyPlugin;

/// <summary>Config of the sample teleoperator.</summary>
public sealed record SampleTeleoperatorConfig : ComponentConfig
{
    /// <summary>Amplitude of the sine wave, degrees.</summary>
    public float Amplitude { get; init; } = 20;
    /// <summary>Ticks per period.</summary>
    public int Period { get; init; } = 60;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (Period < 2) yield return $"period must be at least 2 ticks, got {Period}";
    }
}

/// <summary>Produces sine-wave targets for two joints, one tick per GetAction.</summary>
public sealed class SampleTeleoperator(SampleTeleoperatorConfig config) : ITeleoperator
{
    private static readonly string[] Joints = ["joint1.pos", "joint2.pos"];
    private long _tick;

    /// <inheritdoc />
    public FeatureSpec ActionFeature { get; } = FeatureSpec.Vector(FeatureKeys.Action, Joints);
    /// <inheritdoc />
    public bool IsConnected { get; private set; }
    /// <inheritdoc />
    public void Connect(bool calibrate = false) => IsConnected = true;

    /// <inheritdoc />
    public RobotAction GetAction()
    {
        if (!IsConnected) throw new RobotHostException("sample teleoperator is not connected; call Connect() first");
        var phase = 2 * Math.PI * _tick++ / config.Period;
        return RobotAction.FromVector(Joints, [(float)(config.Amplitude * Math.Sin(phase)), (float)(config.Amplitude * Math.Cos(phase))]);
    }

    /// <inheritdoc />
    public void Disconnect() => IsConnected = false;
    /// <inheritdoc />
    public void Dispose() => Disconnect();
}
