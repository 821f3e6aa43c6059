namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>One entry of the STS3215 control table: name, address, size in bytes, sign bit (sign-magnitude) if any.</summary>
/// <param name="Name">LeRobot's name for it (tables.py), used in messages.</param>
/// <param name="Address">Address in the control table.</param>
/// <param name="Size">1 or 2 bytes, little-endian.</param>
/// <param name="SignBit">Bit holding the sign, or null for unsigned registers.</param>
public sealed record StsRegister(string Name, byte Address, byte Size, int? SignBit = null)
{
    /// <summary>EEPROM registers (below Torque_Enable) are only writable while Lock is 0.</summary>
    public bool IsEeprom => Address < Sts3215.TorqueEnable.Address;

    /// <summary>Raw register value for a user value (sign-magnitude encoded where needed).</summary>
    public int Encode(int value)
    {
        var raw = SignBit is { } bit ? SignMagnitude.Encode(value, bit) : value;
        var max = Size == 1 ? 0xFF : 0xFFFF;
        if (raw < 0 || raw > max)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name} holds {Size} byte(s) unsigned; {value} does not fit");
        return raw;
    }

    /// <summary>User value of a raw register value.</summary>
    public int Decode(int raw) => SignBit is { } bit ? SignMagnitude.Decode(raw, bit) : raw;

    /// <inheritdoc />
    public override string ToString() => Name;
}
