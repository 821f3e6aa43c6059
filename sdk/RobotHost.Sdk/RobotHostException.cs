namespace RobotHost.Sdk;

/// <summary>
/// An error a user can cause and fix (missing port, bad calibration file, malformed dataset…).
/// The message names the thing and the fix; the host prints it without a stack trace.
/// </summary>
public class RobotHostException : Exception
{
    /// <summary>Creates the error with a message that names the thing and the fix.</summary>
    public RobotHostException(string message) : base(message) { }

    /// <summary>Creates the error wrapping its cause (logged, not printed).</summary>
    public RobotHostException(string message, Exception inner) : base(message, inner) { }
}
