namespace RobotHost.Plugins.Robots.SO101.Devices;

/// <summary>The SO-101's motors in bus order (IDs 1–6) and their feature names, exactly as LeRobot names them.</summary>
public static class So101Joints
{
    /// <summary>Motor names; the motor at index i has ID i + 1.</summary>
    public static readonly IReadOnlyList<string> Motors = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"];

    /// <summary>Feature names: <c>shoulder_pan.pos</c> … <c>gripper.pos</c>.</summary>
    public static readonly IReadOnlyList<string> Features = Motors.Select(m => m + ".pos").ToArray();

    /// <summary>Bus IDs in motor order.</summary>
    public static readonly byte[] Ids = [1, 2, 3, 4, 5, 6];

    /// <summary>The joint that may turn a whole turn; LeRobot records no range for it (0–4095).</summary>
    public const string FullTurnMotor = "wrist_roll";

    /// <summary>The gripper, normalised 0–100.</summary>
    public const string Gripper = "gripper";

    /// <summary>Names by ID, for bus messages.</summary>
    public static readonly IReadOnlyDictionary<int, string> NamesById = Motors.Select((m, i) => (m, i)).ToDictionary(p => p.i + 1, p => p.m);
}
