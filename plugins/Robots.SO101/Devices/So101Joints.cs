using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>The SO-101's motors in bus order (IDs 1–6) and their feature names, exactly as LeRobot names them.</summary>
public static class So101Joints
{
    /// <summary>Motor names; the motor at index i has ID i + 1.</summary>
    public static readonly IReadOnlyList<string> Motors = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"];

    /// <summary>Feature names: <c>shoulder_pan.pos</c> … <c>gripper.pos</c>.</summary>
    public static readonly IReadOnlyList<string> Features = Motors.Select(m => m + ".pos").ToArray();

    // LeRobot's units: body joints in degrees about the middle of the calibrated range, so never beyond ±180 (the real
    // range depends on the calibration, unknown before connecting); the gripper 0 (closed) – 100 (open).
    /// <summary>Lowest value of each feature: -180° for the body joints, 0 % for the gripper.</summary>
    public static readonly IReadOnlyList<double> Lower = Motors.Select(m => m == Gripper ? 0.0 : -180.0).ToArray();

    /// <summary>Highest value of each feature: 180° for the body joints, 100 % for the gripper.</summary>
    public static readonly IReadOnlyList<double> Upper = Motors.Select(m => m == Gripper ? 100.0 : 180.0).ToArray();

    /// <summary>Unit of each feature: degrees for the body joints, percent open for the gripper.</summary>
    public static readonly IReadOnlyList<string> Units = Motors.Select(m => m == Gripper ? "%" : "deg").ToArray();

    /// <summary>A state or action feature over the motors, stating their ranges and units so hosts need not guess them.</summary>
    public static FeatureSpec Feature(string key) => FeatureSpec.Vector(key, Features).WithLimits(Lower, Upper, Units);

    /// <summary>Bus IDs in motor order.</summary>
    public static readonly byte[] Ids = [1, 2, 3, 4, 5, 6];

    /// <summary>The joint that may turn a whole turn; LeRobot records no range for it (0–4095).</summary>
    public const string FullTurnMotor = "wrist_roll";

    /// <summary>The gripper, normalised 0–100.</summary>
    public const string Gripper = "gripper";

    /// <summary>Names by ID, for bus messages.</summary>
    public static readonly IReadOnlyDictionary<int, string> NamesById = Motors.Select((m, i) => (m, i)).ToDictionary(p => p.i + 1, p => p.m);
}
