namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>
/// Feetech sign-magnitude integers: one bit holds the sign, the bits below it the magnitude
/// (bit 15 for positions and velocities, 11 for Homing_Offset, 10 for Present_Load; LeRobot encoding_utils.py).
/// </summary>
public static class SignMagnitude
{
    /// <summary>Encodes <paramref name="value"/> with the sign at <paramref name="signBit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The magnitude does not fit below the sign bit.</exception>
    public static int Encode(int value, int signBit)
    {
        var max = (1 << signBit) - 1;
        var magnitude = Math.Abs(value);
        if (magnitude > max)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"magnitude {magnitude} exceeds {max} (sign bit {signBit})");
        return value < 0 ? (1 << signBit) | magnitude : magnitude;
    }

    /// <summary>Decodes a raw register value with the sign at <paramref name="signBit"/>.</summary>
    public static int Decode(int raw, int signBit)
    {
        var magnitude = raw & ((1 << signBit) - 1);
        return ((raw >> signBit) & 1) == 1 ? -magnitude : magnitude;
    }
}
