using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>Config of the <c>pick_place</c> environment (the same world, dynamics and features as the robot path).</summary>
public sealed record PickPlaceEnvConfig : ComponentConfig
{
    /// <summary>Cameras rendered into observations, comma-separated from <c>front</c>, <c>wrist</c>; empty = state only.</summary>
    public string Cameras { get; init; } = "front,wrist";

    /// <summary>Rendered image width (match the recording's camera width to evaluate a policy trained on it).</summary>
    public int ImageWidth { get; init; } = 96;

    /// <summary>Rendered image height.</summary>
    public int ImageHeight { get; init; } = 96;

    /// <summary>Front camera framing: <c>table</c> (whole table) or <c>zones</c> (zoomed on the cube zones).</summary>
    public string FrontFraming { get; init; } = "table";

    /// <summary>Step limit of an episode (the expert needs about 5 s = 150 steps).</summary>
    public int MaxSteps { get; init; } = 300;

    /// <summary>Control rate, as the robot's fps.</summary>
    public int Fps { get; init; } = 30;

    /// <summary>Camera noise (see the cameras' noise); 0 = off.</summary>
    public double Noise { get; init; }

    /// <summary>Camera colour jitter (see the cameras' color_jitter); 0 = off.</summary>
    public double ColorJitter { get; init; }

    /// <summary>
    /// Noise on the executed goals of the arm joints, degrees (see <see cref="PickPlace.PickPlaceWorld.ActionNoise"/>);
    /// the recorded action stays the expert's. For recording demonstrations that show recoveries (DART); 0 = off.
    /// </summary>
    public double ActionNoise { get; init; }

    /// <summary>
    /// Share of episodes (0–1) that start from where failed grasps end — beside the cube, or lifted without it — instead
    /// of the rest pose (see <see cref="PickPlace.PickPlaceWorld.RecoveryStarts"/>): demonstrations of a second try. 0 = off.
    /// </summary>
    public double RecoveryStarts { get; init; }

    /// <summary>Zone 1–6 every episode's cube is placed in, or 0 for the zone of the seed (all six in turn).</summary>
    public int Zone { get; init; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (Zone is < 0 or > PickPlace.PickPlaceLayout.ZoneCount) yield return $"zone must be 0 (by seed) or 1–{PickPlace.PickPlaceLayout.ZoneCount}, got {Zone}";
        foreach (var camera in SimConfigRules.CameraList(Cameras))
            if (camera is not ("front" or "wrist")) yield return $"cameras must list front and/or wrist (comma-separated) or be empty, got '{camera}'";
        foreach (var p in SimConfigRules.Framing("front_framing", FrontFraming)) yield return p;
        foreach (var p in SimConfigRules.Size("image_width", ImageWidth)) yield return p;
        foreach (var p in SimConfigRules.Size("image_height", ImageHeight)) yield return p;
        if (MaxSteps is < 1 or > 100_000) yield return $"max_steps must be between 1 and 100000, got {MaxSteps}";
        foreach (var p in SimConfigRules.Fps(Fps)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("noise", Noise, 64)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("color_jitter", ColorJitter, 0.5)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("action_noise", ActionNoise, 10)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("recovery_starts", RecoveryStarts, 1)) yield return p;
    }
}
