using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>Why a transaction with a servo failed.</summary>
public enum ServoFailure
{
    /// <summary>No reply (or an incomplete one) before the timeout.</summary>
    NoReply,
    /// <summary>A reply arrived with a wrong checksum or shape ("Incorrect status packet").</summary>
    CorruptReply,
    /// <summary>The servo answered with a severe error bit set (overload, overheat, overcurrent).</summary>
    ServoFault,
    /// <summary>The port itself failed (unplugged adapter, closed device).</summary>
    PortLost,
}

/// <summary>
/// A servo could not be read or written: names the motor, its ID and the register, what went wrong and the fix.
/// </summary>
public sealed class ServoBusException : RobotHostException
{
    /// <summary>Creates the error.</summary>
    public ServoBusException(string message, ServoFailure failure, int? motorId = null, string? register = null, ServoStatusError status = ServoStatusError.None, Exception? inner = null)
        : base(message, inner ?? new InvalidOperationException(message))
    {
        Failure = failure;
        MotorId = motorId;
        Register = register;
        Status = status;
    }

    /// <summary>What went wrong.</summary>
    public ServoFailure Failure { get; }

    /// <summary>The motor concerned, when one is.</summary>
    public int? MotorId { get; }

    /// <summary>The register being read or written.</summary>
    public string? Register { get; }

    /// <summary>Error bits reported by the servo, for <see cref="ServoFailure.ServoFault"/>.</summary>
    public ServoStatusError Status { get; }
}
