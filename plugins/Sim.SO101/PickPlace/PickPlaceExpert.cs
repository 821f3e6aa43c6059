using RobotHost.Plugins.Sim.SO101.Arm;

namespace RobotHost.Plugins.Sim.SO101.PickPlace;

/// <summary>
/// A scripted demonstrator for pick-and-place that acts on the present state, not on a clock: every tick it reads the
/// arm, the cube and the grasp from the world, decides what comes next (approach over the cube, descend, close, lift,
/// carry, release, retreat; open and try again after a missed grasp; pick the cube up again wherever it was dropped)
/// and commands a goal a short lead ahead of where the gripper is, toward that phase's target pose. So it gives the
/// right action from any state a cloned policy reaches, which is what DAgger's labels need (Ross et al. 2011), and its
/// demonstrations are a function of what a policy can observe. Each episode draws a style from the seed (pace, heights,
/// openings, pitch, roll, a raised path when travelling far), so demonstrations vary as a person's do.
/// The caller holds the world's lock.
/// </summary>
public sealed class PickPlaceExpert(ExpertOptions options)
{
    private const double RetreatS = 0.45;
    private const double LeadTimeS = 0.1;        // goal lead: a little more than the servo's 1/gain lag, so it moves at about the set speed
    private const double AlignedM = 0.012;       // over the cube: close enough horizontally to descend
    private const double AtGraspM = 0.008;       // at the grasp: close enough to close the jaws
    private const double AtBinM = 0.015;         // over the bin: close enough to release
    private const double NearM = 0.03;           // near the cube: correct in place instead of approaching again
    private const double MissMargin = 3;         // gripper this far (percent) below the cube's width with no cube held: a missed grasp

    private EpisodeStyle? _style;
    private long _styleSerial = -1;
    private int _fakeGraspTicks;
    private bool _fakeGraspDone;

    public ExpertOptions Options { get; } = options;

    /// <summary>What this episode's style is: "complete", "no-grasp", "stops-early"; technique "top" or "side".</summary>
    public string Variant { get; private set; } = "";

    /// <summary>The phase chosen at the last call (approach, descend, close, lift, carry, release, retreat, hold, idle).</summary>
    public string Phase { get; private set; } = "";

    /// <summary>The expert's joint goals for the world's present state (to be applied by the next step).</summary>
    public double[] Action(PickPlaceWorld world)
    {
        if (_styleSerial != world.EpisodeSerial) BeginEpisode(world);
        var style = _style!;
        if (world.EpisodeTick < style.IdleStartTicks)
        {
            Phase = "idle";
            return (double[])style.StartGoals.Clone();
        }
        var present = So101Kinematics.ToTask(world.Joints);
        var (phase, target) = Decide(world, style, present);
        Phase = phase;
        return Toward(world.Joints, present, target, style);
    }

    /// <summary>The phase and its target pose, from the state alone (and the episode's style).</summary>
    private (string Phase, TaskPose Target) Decide(PickPlaceWorld world, EpisodeStyle style, TaskPose present)
    {
        var cube = world.Cube;
        var cubeWidth = So101Kinematics.GripperForGap(PickPlaceLayout.CubeSize);
        var overBin = style.OverBin;
        if (world.CubeHeld)
        {
            if (style.StopsEarly) return ("lift", present with { Height = style.LiftHeight, Gripper = style.Closed });
            var fromBin = Horizontal(present, overBin);
            if (fromBin < AtBinM && Math.Abs(present.Height - overBin.Height) < 0.02)
                return ("release", overBin with { Gripper = style.Release });
            if (present.Height < style.CarryClearance && fromBin > 0.05)
                return ("lift", present with { Height = style.LiftHeight, Gripper = style.Closed, Pitch = style.CarryPitch });
            return ("carry", overBin with { Gripper = style.Closed });
        }
        // Released over the bin (falling or landed), or the no-grasp episode's empty carry is over: move away and stay.
        if (world.Success || PickPlaceLayout.OverBin(cube) || _fakeGraspDone) return ("retreat", style.Retreat);
        if (style.NeverCloses && _fakeGraspTicks >= style.FakeGraspTicks)
        {
            // The no-grasp demonstration: it came down around the cube, never closed, and carries nothing to the bin.
            var fromBin = Horizontal(present, overBin);
            if (present.Height < style.CarryClearance && fromBin > 0.05)
                return ("lift", present with { Height = style.LiftHeight });
            if (fromBin < AtBinM && Math.Abs(present.Height - overBin.Height) < 0.02) _fakeGraspDone = true;
            return ("carry", overBin with { Gripper = style.Open });
        }

        var grasp = style.Grasp(cube, world.CubeYaw);
        var fromCube = Horizontal(present, grasp);
        var missed = present.Gripper < cubeWidth - MissMargin;
        var atGrasp = fromCube < AtGraspM && Math.Abs(present.Height - grasp.Height) < 0.006;
        if (atGrasp && !missed)
        {
            if (style.NeverCloses)
            {
                _fakeGraspTicks++;
                return ("close", grasp);
            }
            return ("close", grasp with { Gripper = style.Closed });
        }
        if (style.Side)
        {
            // The other technique: come in low from the right of the cube, tilted and turned, and swing onto it.
            var beside = grasp with { Pan = grasp.Pan - style.SideOffsetDegrees, Height = grasp.Height + style.SideHeight };
            var swinging = !missed && Math.Abs(present.Reach - grasp.Reach) < 0.015 && Math.Abs(present.Height - grasp.Height) < 0.02
                           && present.Pan - grasp.Pan is > -30 and < 0.5;
            if (swinging) return ("descend", grasp);
            return ("approach", Travel(present, beside, style));
        }
        var above = grasp with { Height = grasp.Height + style.Hover };
        if (fromCube < NearM && present.Height < above.Height + 0.02)
        {
            // Close by, below the hover height: fix what is off in place rather than going back up — open jaws that are
            // shut (a missed grasp), slide over the cube at this height, then go down onto it.
            if (present.Gripper < cubeWidth + 8) return ("open", present with { Gripper = style.Open, Pitch = grasp.Pitch, Roll = grasp.Roll });
            if (fromCube > AlignedM) return ("align", grasp with { Height = Math.Max(present.Height, grasp.Height) });
            return ("descend", grasp);
        }
        return ("approach", Travel(present, above, style));
    }

    /// <summary>The target while travelling: raised by the episode's arc when far away, so longer moves bend upward.</summary>
    private static TaskPose Travel(TaskPose present, TaskPose target, EpisodeStyle style)
    {
        var distance = Horizontal(present, target);
        var raise = style.Arc * Math.Clamp((distance - 0.03) / 0.12, 0, 1);
        return target with { Height = target.Height + raise };
    }

    /// <summary>
    /// Joint goals one lead ahead of the present pose toward the target (the target itself once within the lead). The
    /// lead is measured in task space but taken in joint space, toward the target's joints: the inverse kinematics tilts
    /// the pitch in steps near the edge of the workspace, and interpolating joints keeps the goals free of those jumps.
    /// </summary>
    private static double[] Toward(ReadOnlySpan<double> joints, TaskPose present, TaskPose target, EpisodeStyle style)
    {
        var goal = So101Kinematics.Inverse(target);
        var linear = style.Speed * LeadTimeS;
        var angular = style.AngularSpeed * LeadTimeS;
        var reach = Math.Max(present.Reach, 0.05);
        var dPanM = (target.Pan - present.Pan) * Math.PI / 180 * reach;
        var dReach = target.Reach - present.Reach;
        var dHeight = target.Height - present.Height;
        var distance = Math.Sqrt(dPanM * dPanM + dReach * dReach + dHeight * dHeight);
        var fraction = Math.Min(1, linear / Math.Max(distance, 1e-9));
        var rotation = 0.0;
        for (var j = 0; j < So101Joints.Gripper; j++) rotation = Math.Max(rotation, Math.Abs(goal[j] - joints[j]));
        // No joint turns faster than the angular speed, whatever the task-space distance (a wrist roll, a pitch change).
        fraction = Math.Min(fraction, angular / Math.Max(rotation, 1e-9));
        for (var j = 0; j < So101Joints.Gripper; j++) goal[j] = joints[j] + fraction * (goal[j] - joints[j]);
        // The jaws move on their own clock: opening or closing does not wait for the arm.
        var grip = style.GripperSpeed * LeadTimeS;
        goal[So101Joints.Gripper] = joints[So101Joints.Gripper] + Math.Clamp(target.Gripper - joints[So101Joints.Gripper], -grip, grip);
        return goal;
    }

    private static double Horizontal(TaskPose a, TaskPose b)
    {
        var pa = a.Pan * Math.PI / 180;
        var pb = b.Pan * Math.PI / 180;
        var dx = a.Reach * Math.Cos(pa) - b.Reach * Math.Cos(pb);
        var dy = a.Reach * Math.Sin(pa) - b.Reach * Math.Sin(pb);
        return Math.Sqrt(dx * dx + dy * dy);
    }

    private void BeginEpisode(PickPlaceWorld world)
    {
        _styleSerial = world.EpisodeSerial;
        _fakeGraspTicks = 0;
        _fakeGraspDone = false;
        // Its own stream, so the scene's random draws and the expert's never depend on each other.
        var rng = new Random(unchecked(world.Seed * 7919 + 104729));
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        var side = rng.NextDouble() < Options.Inconsistent;
        var incomplete = rng.NextDouble() < Options.Incomplete;
        var neverCloses = incomplete && rng.NextDouble() < 0.5;
        var pace = U(0.8, 1.25); // a slower or quicker demonstrator, the same all episode
        var pitch = side ? U(128, 140) : U(172, 180);
        var bin = PickPlaceLayout.BinCenter;
        var overBin = new TaskPose(bin.PanDegrees + U(-5, 5), bin.Reach + U(-0.015, 0.015), U(0.12, 0.15), U(168, 180), U(-30, 30), 0);
        var release = U(60, 90);
        var retreat = overBin with { Height = overBin.Height + U(0.03, 0.05), Reach = overBin.Reach - U(0.01, 0.04), Gripper = release };
        _style = new EpisodeStyle
        {
            Side = side,
            NeverCloses = neverCloses,
            StopsEarly = incomplete && !neverCloses,
            Speed = 0.13 * pace,
            AngularSpeed = 70 * pace,
            GripperSpeed = 150 * pace,
            Open = U(68, 95),
            Closed = U(4, 15),
            Pitch = pitch,
            RollOffset = U(-4, 4),
            GraspDz = U(-0.003, 0.003),
            Hover = U(0.05, 0.09),
            Arc = U(0.01, 0.06),
            LiftHeight = U(0.12, 0.16),
            CarryPitch = side ? pitch : U(172, 180),
            CarryClearance = 0.08,
            SideOffsetDegrees = U(16, 24),
            SideHeight = U(0.005, 0.015),
            OverBin = overBin,
            Release = release,
            Retreat = retreat,
            IdleStartTicks = (int)Math.Round(Options.IdleStartS * world.Fps),
            FakeGraspTicks = (int)Math.Round(U(0.4, 0.55) * world.Fps),
            StartGoals = world.Goals.ToArray(),
        };
        // Done comes a few frames after release; with idle_end_s the idle frames are kept before it.
        world.HoldTicksAfterSuccess = Options.IdleEndS > 0 ? (int)Math.Ceiling((RetreatS + Options.IdleEndS) * world.Fps) : 3;
        Variant = (neverCloses ? "no-grasp" : incomplete ? "stops-early" : "complete") + (side ? " side" : " top");
    }

    /// <summary>One episode's demonstrator style, drawn from the seed.</summary>
    private sealed record EpisodeStyle
    {
        public required bool Side { get; init; }
        public required bool NeverCloses { get; init; }
        public required bool StopsEarly { get; init; }
        public required double Speed { get; init; }          // m/s of the grasp point
        public required double AngularSpeed { get; init; }   // deg/s of pitch and roll
        public required double GripperSpeed { get; init; }   // %/s
        public required double Open { get; init; }
        public required double Closed { get; init; }
        public required double Pitch { get; init; }
        public required double RollOffset { get; init; }
        public required double GraspDz { get; init; }
        public required double Hover { get; init; }
        public required double Arc { get; init; }
        public required double LiftHeight { get; init; }
        public required double CarryPitch { get; init; }
        public required double CarryClearance { get; init; }
        public required double SideOffsetDegrees { get; init; }
        public required double SideHeight { get; init; }
        public required TaskPose OverBin { get; init; }
        public required double Release { get; init; }
        public required TaskPose Retreat { get; init; }
        public required int IdleStartTicks { get; init; }
        public required int FakeGraspTicks { get; init; }
        public required double[] StartGoals { get; init; }

        /// <summary>The grasp pose on the cube where it is now: jaws aligned with its faces (roll folded into ±45°).</summary>
        public TaskPose Grasp(Vec3 cube, double cubeYaw)
        {
            var pan = cube.PanDegrees;
            var roll = cubeYaw - pan;
            roll -= 90 * Math.Round(roll / 90);
            roll += RollOffset + (Side ? 90 : 0);
            return new TaskPose(pan, cube.Reach, cube.Z + GraspDz, Pitch, roll, Open);
        }
    }
}
