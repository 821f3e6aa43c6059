namespace RobotHost.Plugins.Sim.SO101.Arm;

/// <summary>Where the arm's parts are for one joint vector (rig frame, metres).</summary>
public sealed record ArmPose(Vec3 Base, Vec3 Shoulder, Vec3 Elbow, Vec3 Wrist, Vec3 Palm, Vec3 Tip, Vec3 Forward, Vec3 JawAxis, Vec3 Up, double JawGap);

/// <summary>A gripper pose in the arm's own cylindrical terms: pan angle, horizontal reach, height, pitch, roll, opening.</summary>
/// <param name="Pan">Pan angle in degrees (0 = straight ahead, +x; positive toward +y).</param>
/// <param name="Reach">Horizontal distance of the grasp point from the pan axis, metres.</param>
/// <param name="Height">Height of the grasp point above the table, metres.</param>
/// <param name="Pitch">Gripper direction from vertical in the arm's plane, degrees: 90 horizontal forward, 180 straight down.</param>
/// <param name="Roll">Wrist roll, degrees.</param>
/// <param name="Gripper">Gripper opening 0–100.</param>
public readonly record struct TaskPose(double Pan, double Reach, double Height, double Pitch, double Roll, double Gripper)
{
    public static TaskPose Lerp(TaskPose a, TaskPose b, double s) => new(
        a.Pan + (b.Pan - a.Pan) * s, a.Reach + (b.Reach - a.Reach) * s, a.Height + (b.Height - a.Height) * s,
        a.Pitch + (b.Pitch - a.Pitch) * s, a.Roll + (b.Roll - a.Roll) * s, a.Gripper + (b.Gripper - a.Gripper) * s);
}

/// <summary>
/// Forward and inverse kinematics of the SO-101. Link lengths are approximated from the public SO-101 URDF
/// (TheRobotStudio/SO-ARM100, so101_new_calib.urdf): shoulder-lift axis ~12 cm above the table and ~3 cm ahead of the
/// pan axis, upper arm ~11.6 cm, forearm ~13.5 cm, wrist-flex axis to the fingertips' grasp point ~10 cm.
/// Angle convention (ours, documented): shoulder_lift 0 = upper arm vertical, positive leans forward;
/// elbow_flex 0 = forearm at a right angle to the upper arm, positive folds it down; wrist_flex is relative to the forearm.
/// </summary>
public static class So101Kinematics
{
    public const double ShoulderHeight = 0.12;
    public const double ShoulderForward = 0.03;
    public const double UpperArm = 0.116;
    public const double Forearm = 0.135;
    public const double WristToTip = 0.10;
    public const double WristToPalm = 0.055;
    /// <summary>Jaw gap at gripper 100, metres (the SO-101's moving jaw opens ~7 cm at the tips).</summary>
    public const double MaxJawGap = 0.07;

    private const double Deg = Math.PI / 180;

    public static double JawGap(double gripper) => Math.Clamp(gripper, 0, 100) / 100 * MaxJawGap;

    public static double GripperForGap(double gap) => gap / MaxJawGap * 100;

    public static ArmPose Forward(ReadOnlySpan<double> q)
    {
        var pan = q[So101Joints.ShoulderPan] * Deg;
        var phi1 = q[So101Joints.ShoulderLift] * Deg;
        var phi2 = phi1 + (q[So101Joints.ElbowFlex] + 90) * Deg;
        var phi3 = phi2 + q[So101Joints.WristFlex] * Deg;
        var roll = q[So101Joints.WristRoll] * Deg;
        var u = new Vec3(Math.Cos(pan), Math.Sin(pan), 0);
        var w = new Vec3(-Math.Sin(pan), Math.Cos(pan), 0);
        var up = new Vec3(0, 0, 1);
        Vec3 Dir(double phi) => u * Math.Sin(phi) + up * Math.Cos(phi);
        var shoulder = u * ShoulderForward + up * ShoulderHeight;
        var elbow = shoulder + Dir(phi1) * UpperArm;
        var wrist = elbow + Dir(phi2) * Forearm;
        var forward = Dir(phi3);
        var inPlaneNormal = u * Math.Cos(phi3) - up * Math.Sin(phi3);
        var jawAxis = w * Math.Cos(roll) + inPlaneNormal * Math.Sin(roll);
        var gripperUp = forward.Cross(jawAxis);
        return new ArmPose(new Vec3(0, 0, 0), shoulder, elbow, wrist, wrist + forward * WristToPalm, wrist + forward * WristToTip,
            forward, jawAxis, gripperUp, JawGap(q[So101Joints.Gripper]));
    }

    /// <summary>The task pose of a joint vector.</summary>
    public static TaskPose ToTask(ReadOnlySpan<double> q)
    {
        var pose = Forward(q);
        var pitch = q[So101Joints.ShoulderLift] + q[So101Joints.ElbowFlex] + 90 + q[So101Joints.WristFlex];
        return new TaskPose(q[So101Joints.ShoulderPan], pose.Tip.Reach, pose.Tip.Z, pitch, q[So101Joints.WristRoll], q[So101Joints.Gripper]);
    }

    /// <summary>
    /// Joints for a task pose (elbow-up solution of the planar lift/elbow/wrist chain). When the pose is out of reach
    /// or past a joint limit at the asked pitch, the pitch is raised toward horizontal in 5° steps (a person tilts the
    /// gripper to reach further); as a last resort the wrist target is pulled into the workspace and joints clamped.
    /// </summary>
    public static double[] Inverse(TaskPose target)
    {
        for (var pitchOffset = 0.0; pitchOffset <= 90; pitchOffset += 5)
        {
            var pitch = target.Pitch > 90 ? target.Pitch - pitchOffset : target.Pitch + pitchOffset;
            if (TrySolve(target with { Pitch = pitch }, clampReach: false, out var q)) return q;
        }
        TrySolve(target, clampReach: true, out var clamped);
        return clamped;
    }

    private static bool TrySolve(TaskPose t, bool clampReach, out double[] q)
    {
        q = new double[So101Joints.Count];
        var phi3 = t.Pitch * Deg;
        var a = t.Reach - WristToTip * Math.Sin(phi3) - ShoulderForward;
        var b = t.Height - WristToTip * Math.Cos(phi3) - ShoulderHeight;
        var d = Math.Sqrt(a * a + b * b);
        const double margin = 1e-6;
        var dMin = Math.Abs(UpperArm - Forearm) + margin;
        var dMax = UpperArm + Forearm - margin;
        if (d < dMin || d > dMax)
        {
            if (!clampReach) return false;
            var scale = Math.Clamp(d, dMin, dMax) / Math.Max(d, 1e-9);
            a = d < 1e-9 ? dMin : a * scale;
            b *= scale;
            d = Math.Sqrt(a * a + b * b);
        }
        var bend = Math.Acos(Math.Clamp((d * d - UpperArm * UpperArm - Forearm * Forearm) / (2 * UpperArm * Forearm), -1, 1));
        var alpha = Math.Atan2(a, b);
        var beta = Math.Acos(Math.Clamp((UpperArm * UpperArm + d * d - Forearm * Forearm) / (2 * UpperArm * d), -1, 1));
        var phi1 = alpha - beta;
        q[So101Joints.ShoulderPan] = t.Pan;
        q[So101Joints.ShoulderLift] = phi1 / Deg;
        q[So101Joints.ElbowFlex] = bend / Deg - 90;
        q[So101Joints.WristFlex] = (phi3 - phi1 - bend) / Deg;
        q[So101Joints.WristRoll] = t.Roll;
        q[So101Joints.Gripper] = t.Gripper;
        var within = true;
        for (var j = 0; j < So101Joints.Count; j++)
        {
            if (q[j] < So101Joints.Lower[j] || q[j] > So101Joints.Upper[j]) within = false;
            q[j] = So101Joints.Clamp(j, q[j]);
        }
        return within || clampReach;
    }
}
