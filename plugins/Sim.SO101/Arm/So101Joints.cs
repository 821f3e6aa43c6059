using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Arm;

/// <summary>
/// The SO-101 follower's joints exactly as the real robot reports them (LeRobot's so101_follower):
/// body joints in degrees around the middle of their calibrated range, the gripper 0 (closed) – 100 (open).
/// </summary>
public static class So101Joints
{
    public const int ShoulderPan = 0, ShoulderLift = 1, ElbowFlex = 2, WristFlex = 3, WristRoll = 4, Gripper = 5, Count = 6;

    /// <summary>State and action names, in the order of the real follower's motors (ids 1–6).</summary>
    public static readonly IReadOnlyList<string> Names =
        ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"];

    // Approximate ranges of a calibrated SO-101 follower (degrees about the middle of the range; gripper percent):
    // the pan and the lift/elbow/wrist pitch joints each travel a bit over ±90°, wrist roll nearly a full turn.
    public static readonly double[] Lower = [-110, -100, -97, -95, -157, 0];
    public static readonly double[] Upper = [110, 100, 97, 95, 157, 100];

    /// <summary>Unit of each joint's value: degrees for the body joints, percent open for the gripper.</summary>
    public static readonly IReadOnlyList<string> Units = ["deg", "deg", "deg", "deg", "deg", "%"];

    /// <summary>A state or action feature over the joints, stating their ranges and units so hosts need not guess them.</summary>
    public static FeatureSpec Feature(string key) => FeatureSpec.Vector(key, Names).WithLimits(Lower, Upper, Units);

    /// <summary>Servo speed limits per joint (deg/s, gripper %/s): an STS3215 at 7.4 V turns ~60° in 0.22 s unloaded.</summary>
    public static readonly double[] MaxVelocity = [240, 240, 240, 300, 300, 350];

    /// <summary>Servo acceleration limits (deg/s², %/s²), LeRobot's acceleration register near its maximum.</summary>
    public static readonly double[] MaxAcceleration = [1800, 1800, 1800, 2400, 2400, 3000];

    public static double Clamp(int joint, double value) => Math.Clamp(value, Lower[joint], Upper[joint]);
}
