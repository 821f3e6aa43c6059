using RobotHost.Plugins.Robots.SO101.Calibration;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Protocol;

namespace RobotHost.Plugins.Robots.SO101.Virtual;

/// <summary>
/// Ready-made virtual SO-101 arms for tests elsewhere (e.g. a rollout driving a follower on a pty):
/// <code>
/// using var arm = VirtualSo101.StartCalibratedArm(calibrationDir, "test_follower");
/// // so101_follower with port=arm.PortPath, id=test_follower, calibration_dir=calibrationDir
/// </code>
/// </summary>
public static class VirtualSo101
{
    /// <summary>A plausible calibration (homing offsets and ranges like a real SO-101's, wrist_roll a full turn).</summary>
    public static Dictionary<string, MotorCalibration> TypicalCalibration() => new()
    {
        ["shoulder_pan"] = new(1, 0, -32, 720, 3380),
        ["shoulder_lift"] = new(2, 0, 815, 870, 3250),
        ["elbow_flex"] = new(3, 0, -1104, 860, 3100),
        ["wrist_flex"] = new(4, 0, 1095, 880, 3170),
        ["wrist_roll"] = new(5, 0, -1491, 0, 4095),
        ["gripper"] = new(6, 0, 1226, 2030, 3470),
    };

    /// <summary>Writes a calibration into the servos' registers directly (as if calibrated earlier) and centres each joint.</summary>
    public static void Apply(VirtualServoChain servos, IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        foreach (var (_, c) in calibration)
        {
            var servo = servos[c.Id];
            servo.Put(Sts3215.HomingOffset, c.HomingOffset);
            servo.Put(Sts3215.MinPositionLimit, c.RangeMin);
            servo.Put(Sts3215.MaxPositionLimit, c.RangeMax);
            servo.MoveByHand((c.RangeMin + c.RangeMax) / 2);
            servo.Put(Sts3215.GoalPosition, servo.PresentPosition);
        }
    }

    /// <summary>
    /// Starts a virtual arm on a pseudo-terminal, calibrated with <paramref name="calibration"/> (default
    /// <see cref="TypicalCalibration"/>), and writes the matching LeRobot file <c>&lt;calibrationDir&gt;/&lt;id&gt;.json</c>.
    /// </summary>
    public static VirtualServoBus StartCalibratedArm(string calibrationDir, string id, IReadOnlyDictionary<string, MotorCalibration>? calibration = null)
    {
        calibration ??= TypicalCalibration();
        var bus = VirtualServoBus.So101();
        Apply(bus.Servos, calibration);
        CalibrationFile.Save(Path.Combine(calibrationDir, id + ".json"), calibration);
        return bus;
    }

    /// <summary>The servo of a joint by LeRobot motor name (e.g. <c>elbow_flex</c>).</summary>
    public static VirtualServo Joint(this VirtualServoChain servos, string motor)
    {
        var index = So101Joints.Motors.ToList().IndexOf(motor);
        if (index < 0) throw new ArgumentException($"no SO-101 joint '{motor}'; joints: {string.Join(", ", So101Joints.Motors)}");
        return servos[So101Joints.Ids[index]];
    }
}
