using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>Config of the simulated cameras <c>sim_front</c> and <c>sim_wrist</c>.</summary>
public abstract record SimCameraConfig : ComponentConfig
{
    /// <summary>Camera name in feature keys (<c>observation.images.&lt;name&gt;</c>).</summary>
    public abstract string Name { get; init; }

    /// <summary>Name of the simulated rig whose world this camera renders.</summary>
    public string Rig { get; init; } = "default";

    /// <summary>Image width in pixels (640 for recording; e.g. 96 to match a training size).</summary>
    public int Width { get; init; } = 640;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 480;

    /// <summary>Sensor noise, standard deviation in 0–255 levels, seeded per episode and tick; 0 = off.</summary>
    public double Noise { get; init; }

    /// <summary>Per-episode colour cast: each channel's gain within ±this fraction, seeded; 0 = off.</summary>
    public double ColorJitter { get; init; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            yield return $"name must be letters, digits or _ (it becomes observation.images.<name>), got '{Name}'";
        foreach (var p in SimConfigRules.Rig(Rig)) yield return p;
        foreach (var p in SimConfigRules.Size("width", Width)) yield return p;
        foreach (var p in SimConfigRules.Size("height", Height)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("noise", Noise, 64)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("color_jitter", ColorJitter, 0.5)) yield return p;
    }
}

/// <summary>Config of <c>sim_front</c>: the fixed camera in front of the table.</summary>
public sealed record SimFrontCameraConfig : SimCameraConfig
{
    /// <inheritdoc />
    public override string Name { get; init; } = "front";

    /// <summary>Framing: <c>table</c> (whole table) or <c>zones</c> (aimed at and zoomed on the six cube zones).</summary>
    public string Framing { get; init; } = "table";

    /// <inheritdoc />
    public override IEnumerable<string> Validate() => base.Validate().Concat(SimConfigRules.Framing("framing", Framing));
}

/// <summary>Config of <c>sim_wrist</c>: the camera on the gripper.</summary>
public sealed record SimWristCameraConfig : SimCameraConfig
{
    /// <inheritdoc />
    public override string Name { get; init; } = "wrist";
}
