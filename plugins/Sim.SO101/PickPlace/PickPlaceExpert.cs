using RobotHost.Plugins.Sim.SO101.Arm;

namespace RobotHost.Plugins.Sim.SO101.PickPlace;

/// <summary>
/// A scripted demonstrator for pick-and-place: plans, from the scene at the start of an episode, a sequence of
/// minimum-jerk strokes in task space (reach, descend, close, lift, carry, release, retreat), varied per seed in speed,
/// path curvature, heights and gripper openings, and turns the pose due at each tick into joint goals with
/// <see cref="So101Kinematics.Inverse"/>. Replans whenever the world starts a new episode, whatever the call order.
/// The caller holds the world's lock.
/// </summary>
public sealed class PickPlaceExpert(ExpertOptions options)
{
    private const double RetreatS = 0.45;
    private IReadOnlyList<TaskSegment> _plan = [];
    private long _plannedSerial = -1;
    private int _planStartTick;

    public ExpertOptions Options { get; } = options;

    /// <summary>What this episode's plan is: "complete", "no-grasp", "stops-early"; technique "top" or "side".</summary>
    public string Variant { get; private set; } = "";

    public IReadOnlyList<TaskSegment> Plan => _plan;

    /// <summary>The expert's joint goals for the world's present tick (to be applied by the next step).</summary>
    public double[] Action(PickPlaceWorld world)
    {
        if (_plannedSerial != world.EpisodeSerial) PlanEpisode(world);
        var time = (world.EpisodeTick - _planStartTick + 1) * world.Dt;
        TaskPose pose = default;
        var found = false;
        foreach (var segment in _plan)
        {
            if (time <= segment.Duration) { pose = segment.At(time); found = true; break; }
            time -= segment.Duration;
        }
        if (!found) pose = _plan[^1].To;
        return So101Kinematics.Inverse(pose);
    }

    private void PlanEpisode(PickPlaceWorld world)
    {
        _plannedSerial = world.EpisodeSerial;
        _planStartTick = world.EpisodeTick;
        // Its own stream, so the scene's random draws and the expert's never depend on each other.
        var rng = new Random(unchecked(world.Seed * 7919 + 104729));
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        var side = rng.NextDouble() < Options.Inconsistent;
        var incompleteDraw = rng.NextDouble();
        var incomplete = incompleteDraw < Options.Incomplete;
        var neverCloses = incomplete && rng.NextDouble() < 0.5;
        var pace = U(0.8, 1.25); // a slower or quicker demonstrator, the same all episode

        var start = So101Kinematics.ToTask(world.Joints);
        var cube = world.Cube;
        var cubePan = cube.PanDegrees;
        var cubeReach = cube.Reach;
        // Align the jaws with the cube's faces: roll = cube yaw relative to the pan direction, folded into ±45°.
        var roll = world.CubeYaw - cubePan;
        roll -= 90 * Math.Round(roll / 90);
        roll += U(-4, 4);
        var open = U(68, 95);
        var closed = U(4, 15);
        var graspZ = cube.Z + U(-0.003, 0.003);
        var pitch = side ? U(128, 140) : U(172, 180);

        var segments = new List<TaskSegment>();
        if (Options.IdleStartS > 0) segments.Add(TaskSegment.Hold("idle", Options.IdleStartS, start));

        TaskPose grasp;
        TaskPose preGrasp;
        if (!side)
        {
            preGrasp = new TaskPose(cubePan + U(-1.5, 1.5), cubeReach + U(-0.004, 0.004), cube.Z + U(0.05, 0.09), pitch, roll, open);
            grasp = new TaskPose(cubePan, cubeReach, graspZ, pitch, roll, open);
        }
        else
        {
            // The other technique: come in low from the right of the cube with a tilted gripper turned 90°, swing onto it.
            preGrasp = new TaskPose(cubePan - U(16, 24), cubeReach + U(-0.01, 0.01), cube.Z + U(0.02, 0.03), pitch, roll + 90, open);
            grasp = new TaskPose(cubePan, cubeReach, graspZ, pitch, roll + 90, open);
        }
        // A bent path: the control point sits off the straight line by a seeded amount, sideways and up.
        var mid = TaskPose.Lerp(start, preGrasp, U(0.4, 0.6));
        var via = mid with { Pan = mid.Pan + U(-10, 10), Height = mid.Height + U(0.01, 0.06), Reach = mid.Reach + U(-0.02, 0.02) };
        var reachDuration = (0.75 + 1.2 * Math.Abs(start.Pan - preGrasp.Pan) / 100 + U(0, 0.3)) * pace;
        segments.Add(new TaskSegment("reach", reachDuration, start, via, preGrasp));
        segments.Add(TaskSegment.Straight("descend", U(0.45, 0.65) * pace, preGrasp, grasp));

        var gripped = grasp with { Gripper = neverCloses ? open : closed };
        segments.Add(TaskSegment.Straight("close", U(0.4, 0.55) * pace, grasp, gripped));
        var lifted = gripped with { Height = U(0.12, 0.16), Pitch = side ? pitch : U(172, 180) };
        segments.Add(TaskSegment.Straight("lift", U(0.45, 0.65) * pace, gripped, lifted));

        var stopsEarly = incomplete && !neverCloses;
        if (!stopsEarly)
        {
            var bin = PickPlaceLayout.BinCenter;
            var binPan = bin.PanDegrees + U(-5, 5);
            var binReach = bin.Reach + U(-0.015, 0.015);
            var overBin = new TaskPose(binPan, binReach, U(0.12, 0.15), U(168, 180), U(-30, 30), lifted.Gripper);
            var carryMid = TaskPose.Lerp(lifted, overBin, 0.5);
            var carryControl = carryMid with { Height = carryMid.Height + U(0.0, 0.04), Reach = carryMid.Reach + U(-0.02, 0.03) };
            var carryDuration = (0.6 + 1.0 * Math.Abs(overBin.Pan - lifted.Pan) / 100 + U(0, 0.25)) * pace;
            segments.Add(new TaskSegment("carry", carryDuration, lifted, carryControl, overBin));
            var released = overBin with { Gripper = neverCloses ? open : U(60, 90) };
            segments.Add(TaskSegment.Straight("release", U(0.3, 0.4) * pace, overBin, released));
            var retreat = released with { Height = released.Height + U(0.03, 0.05), Reach = released.Reach - U(0.01, 0.04) };
            segments.Add(TaskSegment.Straight("retreat", RetreatS, released, retreat));
        }
        if (Options.IdleEndS > 0) segments.Add(TaskSegment.Hold("idle", Options.IdleEndS, segments[^1].To));
        _plan = segments;
        // Done comes a few frames after release; with idle_end_s the idle frames are kept before it.
        world.HoldTicksAfterSuccess = Options.IdleEndS > 0 ? (int)Math.Ceiling((RetreatS + Options.IdleEndS) * world.Fps) : 3;
        Variant = (neverCloses ? "no-grasp" : stopsEarly ? "stops-early" : "complete") + (side ? " side" : " top");
    }
}
