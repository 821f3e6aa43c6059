using RobotHost.Plugins.Robots.SO101.Protocol;

namespace RobotHost.Plugins.Robots.SO101.Calibration;

/// <summary>How a joint's raw steps map to user units (LeRobot MotorNormMode).</summary>
public enum JointUnit
{
    /// <summary>(raw − mid) · 360 / 4095, mid = (min + max) / 2.</summary>
    Degrees,
    /// <summary>−100 at range_min … 100 at range_max.</summary>
    RangeM100To100,
    /// <summary>0 at range_min … 100 at range_max (the gripper).</summary>
    Range0To100,
}

/// <summary>
/// Raw steps ↔ user units with a motor's calibrated range, as LeRobot's MotorsBus._normalize/_unnormalize.
/// drive_mode 1 inverts the joint in every unit (LeRobot applies it to the range units only; its calibration always
/// writes drive_mode 0, so the results agree for every file LeRobot writes).
/// </summary>
public static class JointUnits
{
    private const double MaxRes = Sts3215.MaxPosition;

    /// <summary>User value of a raw present position.</summary>
    public static float ToUser(int raw, MotorCalibration c, JointUnit unit)
    {
        int min = c.RangeMin, max = c.RangeMax;
        if (max == min) throw new InvalidOperationException($"invalid calibration for motor id {c.Id}: range_min equals range_max");
        var invert = c.DriveMode != 0;
        switch (unit)
        {
            case JointUnit.Degrees:
            {
                var mid = (min + max) / 2.0;
                var deg = (raw - mid) * 360.0 / MaxRes;
                return (float)(invert ? -deg : deg);
            }
            case JointUnit.RangeM100To100:
            {
                var bounded = Math.Clamp(raw, min, max);
                var norm = (bounded - min) / (double)(max - min) * 200 - 100;
                return (float)(invert ? -norm : norm);
            }
            default:
            {
                var bounded = Math.Clamp(raw, min, max);
                var norm = (bounded - min) / (double)(max - min) * 100;
                return (float)(invert ? 100 - norm : norm);
            }
        }
    }

    /// <summary>Raw goal for a user value (truncated like LeRobot's int()), not yet clamped to the range.</summary>
    public static int ToRaw(float value, MotorCalibration c, JointUnit unit)
    {
        int min = c.RangeMin, max = c.RangeMax;
        if (max == min) throw new InvalidOperationException($"invalid calibration for motor id {c.Id}: range_min equals range_max");
        var invert = c.DriveMode != 0;
        double v = value;
        switch (unit)
        {
            case JointUnit.Degrees:
            {
                var mid = (min + max) / 2.0;
                if (invert) v = -v;
                return (int)(v * MaxRes / 360 + mid);
            }
            case JointUnit.RangeM100To100:
            {
                if (invert) v = -v;
                var bounded = Math.Clamp(v, -100, 100);
                return (int)((bounded + 100) / 200 * (max - min) + min);
            }
            default:
            {
                if (invert) v = 100 - v;
                var bounded = Math.Clamp(v, 0, 100);
                return (int)(bounded / 100 * (max - min) + min);
            }
        }
    }
}
