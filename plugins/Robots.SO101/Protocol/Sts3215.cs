namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>
/// The Feetech STS3215 control table and constants (LeRobot motors/feetech/tables.py, docs/sts3215.md).
/// Model number 777, 4096 steps per turn.
/// </summary>
public static class Sts3215
{
    /// <summary>Model_Number of an STS3215.</summary>
    public const int ModelNumber = 777;
    /// <summary>Encoder steps per turn.</summary>
    public const int Resolution = 4096;
    /// <summary>Largest position value (resolution − 1).</summary>
    public const int MaxPosition = Resolution - 1;
    /// <summary>Half a turn: the position the middle of a calibrated range reads (LeRobot: int(4095 / 2)).</summary>
    public const int HalfTurn = MaxPosition / 2;
    /// <summary>Broadcast ID: every servo obeys, none replies (except to PING).</summary>
    public const byte BroadcastId = 0xFE;
    /// <summary>The SO-101 bus speed.</summary>
    public const int DefaultBaudRate = 1_000_000;
    /// <summary>Largest homing offset magnitude (sign bit 11).</summary>
    public const int MaxHomingOffset = (1 << 11) - 1;

    public static readonly StsRegister FirmwareMajorVersion = new("Firmware_Major_Version", 0, 1);
    public static readonly StsRegister FirmwareMinorVersion = new("Firmware_Minor_Version", 1, 1);
    public static readonly StsRegister ModelNumberRegister = new("Model_Number", 3, 2);
    public static readonly StsRegister Id = new("ID", 5, 1);
    public static readonly StsRegister BaudRate = new("Baud_Rate", 6, 1);
    public static readonly StsRegister ReturnDelayTime = new("Return_Delay_Time", 7, 1);
    public static readonly StsRegister MinPositionLimit = new("Min_Position_Limit", 9, 2);
    public static readonly StsRegister MaxPositionLimit = new("Max_Position_Limit", 11, 2);
    public static readonly StsRegister MaxTemperatureLimit = new("Max_Temperature_Limit", 13, 1);
    public static readonly StsRegister MaxTorqueLimit = new("Max_Torque_Limit", 16, 2);
    public static readonly StsRegister Phase = new("Phase", 18, 1);
    public static readonly StsRegister PCoefficient = new("P_Coefficient", 21, 1);
    public static readonly StsRegister DCoefficient = new("D_Coefficient", 22, 1);
    public static readonly StsRegister ICoefficient = new("I_Coefficient", 23, 1);
    public static readonly StsRegister ProtectionCurrent = new("Protection_Current", 28, 2);
    public static readonly StsRegister HomingOffset = new("Homing_Offset", 31, 2, SignBit: 11);
    public static readonly StsRegister OperatingMode = new("Operating_Mode", 33, 1);
    public static readonly StsRegister OverloadTorque = new("Overload_Torque", 36, 1);
    public static readonly StsRegister TorqueEnable = new("Torque_Enable", 40, 1);
    public static readonly StsRegister Acceleration = new("Acceleration", 41, 1);
    public static readonly StsRegister GoalPosition = new("Goal_Position", 42, 2, SignBit: 15);
    public static readonly StsRegister GoalVelocity = new("Goal_Velocity", 46, 2, SignBit: 15);
    public static readonly StsRegister TorqueLimit = new("Torque_Limit", 48, 2);
    public static readonly StsRegister Lock = new("Lock", 55, 1);
    public static readonly StsRegister PresentPosition = new("Present_Position", 56, 2, SignBit: 15);
    public static readonly StsRegister PresentVelocity = new("Present_Velocity", 58, 2, SignBit: 15);
    public static readonly StsRegister PresentLoad = new("Present_Load", 60, 2, SignBit: 10);
    public static readonly StsRegister PresentVoltage = new("Present_Voltage", 62, 1);
    public static readonly StsRegister PresentTemperature = new("Present_Temperature", 63, 1);
    public static readonly StsRegister Moving = new("Moving", 66, 1);
    public static readonly StsRegister PresentCurrent = new("Present_Current", 69, 2);
    public static readonly StsRegister MaximumAcceleration = new("Maximum_Acceleration", 85, 1);

    /// <summary>Baud_Rate register codes (tables.py STS_SMS_SERIES_BAUDRATE_TABLE).</summary>
    public static readonly IReadOnlyDictionary<int, int> BaudRateCodes = new Dictionary<int, int>
    {
        [1_000_000] = 0, [500_000] = 1, [250_000] = 2, [128_000] = 3, [115_200] = 4, [57_600] = 5, [38_400] = 6, [19_200] = 7,
    };

    /// <summary>The baud rate of a Baud_Rate register code.</summary>
    public static int BaudOfCode(int code) => BaudRateCodes.FirstOrDefault(p => p.Value == code).Key;
}
