namespace RobotHost.Plugins.Robots.SO101.Calibration;

/// <summary>
/// One motor's calibration as LeRobot stores it (motors_bus.py MotorCalibration; same field order in the JSON).
/// </summary>
/// <param name="Id">Bus ID.</param>
/// <param name="DriveMode">1 inverts the joint's direction in user units.</param>
/// <param name="HomingOffset">Homing_Offset register: present = physical − offset.</param>
/// <param name="RangeMin">Min_Position_Limit (present frame).</param>
/// <param name="RangeMax">Max_Position_Limit (present frame).</param>
public sealed record MotorCalibration(int Id, int DriveMode, int HomingOffset, int RangeMin, int RangeMax);
