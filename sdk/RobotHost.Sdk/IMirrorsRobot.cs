namespace RobotHost.Sdk;

/// <summary>
/// Optional capability of a teleoperator that can drive its own joints, such as a leader arm with torque: while a policy
/// drives the robot, the leader follows the robot's goals, so a person who takes over grabs it where the robot is and
/// starts from that pose (human-gated DAgger). Calls come from the control thread.
/// </summary>
public interface IMirrorsRobot
{
    /// <summary>
    /// Turns torque on holding the present pose. Returns false when this device cannot hold a pose (no torque, or
    /// mirroring disabled in its config); the host then ramps the robot toward the person's pose at handover instead.
    /// </summary>
    bool BeginMirroring();

    /// <summary>
    /// Moves toward the robot's goals (the robot's action names and units), within the device's calibrated limits and
    /// its maximum step per call. Only between <see cref="BeginMirroring"/> and <see cref="EndMirroring"/>.
    /// </summary>
    void Mirror(RobotAction goals);

    /// <summary>Torque off, so a person can move the device by hand from the pose it is in. Idempotent.</summary>
    void EndMirroring();
}
