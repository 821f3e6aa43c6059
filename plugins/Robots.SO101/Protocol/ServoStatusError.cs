namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>
/// The error byte of a Feetech status packet (scservo_sdk ERRBIT_*): each bit names a condition the servo reports.
/// </summary>
[Flags]
public enum ServoStatusError : byte
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>Input voltage outside the configured limits (often a weak power supply).</summary>
    InputVoltage = 0x01,
    /// <summary>Angle (position) sensor error or goal outside the limits.</summary>
    Angle = 0x02,
    /// <summary>Temperature above Max_Temperature_Limit.</summary>
    Overheat = 0x04,
    /// <summary>Current above Protection_Current.</summary>
    Overcurrent = 0x08,
    /// <summary>Load above Overload_Torque for longer than Protection_Time; the servo drops torque.</summary>
    Overload = 0x20,
}

/// <summary>Helpers for <see cref="ServoStatusError"/>.</summary>
public static class ServoStatusErrors
{
    /// <summary>Errors after which the servo has dropped (or must drop) torque: the motion must stop.</summary>
    public const ServoStatusError Severe = ServoStatusError.Overheat | ServoStatusError.Overcurrent | ServoStatusError.Overload;

    /// <summary>Names of the set bits, e.g. "Overload, Overheat"; unknown bits as hex.</summary>
    public static string Describe(this ServoStatusError error)
    {
        var names = Enum.GetValues<ServoStatusError>().Where(e => e != ServoStatusError.None && error.HasFlag(e)).Select(e => e.ToString()).ToList();
        var known = Enum.GetValues<ServoStatusError>().Aggregate(0, (a, e) => a | (int)e);
        var unknown = (int)error & ~known;
        if (unknown != 0) names.Add($"0x{unknown:X2}");
        return names.Count == 0 ? "None" : string.Join(", ", names);
    }
}
