using RobotHost.Plugins.Sim.SO101.Arm;

namespace RobotHost.Plugins.Sim.SO101.PickPlace;

/// <summary>
/// The simulated SO-101 pick-and-place world: servo arm, cube, bin. Time moves only in <see cref="Step"/>, one
/// control tick (1/fps) at a time, so a run is a pure function of its seed and actions, whatever the wall clock does.
/// Grasping is kinematic: the cube attaches when the open jaws surround it and then close on it, rides with the grasp
/// point while held, stalls the jaws at its width, and falls under gravity when they open; released over the bin it
/// lands in it (success). No pushing or arm–table contact is modelled.
/// Not thread-safe by itself: shared users (robot, cameras, expert on one rig) lock <see cref="Sync"/>.
/// </summary>
public sealed class PickPlaceWorld
{
    private const double Gravity = 9.81;
    private const double NearHorizontal = 0.015; // grasp point within 1.5 cm of the cube's axis…
    private const double NearVertical = 0.015;   // …and within 1.5 cm of its centre height: the jaws are around it
    private const double OpenMargin = 0.004;     // jaws at least 4 mm wider than the cube count as open around it

    private readonly ServoDynamics _servos = new();
    private bool _surrounded;
    private Vec3 _holdOffset;
    private double _cubeVz;
    private (int Index, int Seed) _episodeKey = (-1, 0);
    private const double ActionNoiseTimeS = 0.25; // correlation time of the executed-goal noise
    private readonly double[] _noise = new double[So101Joints.Count];
    private readonly double[] _commanded = new double[So101Joints.Count];
    private Random _noiseRng = new(0);

    public PickPlaceWorld(int fps = 30)
    {
        Fps = fps;
        BeginEpisode(0, 0);
    }

    /// <summary>Lock shared by every component of one rig.</summary>
    public object Sync { get; } = new();

    public int Fps { get; set; }
    public double Dt => 1.0 / Fps;

    /// <summary>
    /// Zone 1–6 every episode uses, or 0 for the zone chosen by seed (the expert's single_zone option).
    /// Setting it re-places the present episode if it has not started moving.
    /// </summary>
    public int ForcedZone
    {
        get => _forcedZone;
        set
        {
            _forcedZone = value;
            PlaceAgainIfUnstarted();
        }
    }
    private int _forcedZone;

    private void PlaceAgainIfUnstarted()
    {
        if (EpisodeTick != 0) return;
        var key = _episodeKey;
        _episodeKey = (-1, 0);
        BeginEpisode(key.Index, key.Seed);
    }

    /// <summary>
    /// Noise on the executed goals, degrees (standard deviation of a per-joint drift with a 0.25 s correlation time on
    /// the five arm joints; the gripper is exact); 0 = off. The caller's goals — what a recorder writes as the action —
    /// stay clean: demonstrations recorded with it visit states a little off the expert's path, labelled with the
    /// expert's way back to it (DART, Laskey et al. 2017), which a cloned policy needs once its own errors take it off
    /// the path. Seeded by the episode, so a run stays a pure function of seed and actions.
    /// </summary>
    public double ActionNoise { get; set; }

    /// <summary>
    /// Share of episodes (0–1) that start where a cloned policy's failed attempts end up rather than at the rest pose:
    /// half hovering 1–3 cm beside the cube with the jaws at any opening (a grasp that closed next to it), half lifted
    /// somewhere over the zones with the jaws shut (an arm that came up without the cube). The expert plans from
    /// wherever the arm is, so these demonstrations show the way from a missed grasp to a good one — the second try a
    /// scripted expert that never misses does not otherwise show — without ever demonstrating a miss. 0 = off.
    /// Setting it re-places the present episode if it has not started moving (as <see cref="ForcedZone"/> does).
    /// </summary>
    public double RecoveryStarts
    {
        get => _recoveryStarts;
        set
        {
            _recoveryStarts = value;
            PlaceAgainIfUnstarted();
        }
    }
    private double _recoveryStarts;

    /// <summary>Changes with every tick and every scene placement: the cameras' frame sequence.</summary>
    public long Version => Tick + EpisodeSerial;

    /// <summary>Ticks after success before <see cref="Done"/> (a demonstration's short hold after release).</summary>
    public int HoldTicksAfterSuccess { get; set; } = 3;

    public int EpisodeIndex => _episodeKey.Index;
    public int Seed => _episodeKey.Seed;
    public int Zone { get; private set; }
    /// <summary>Counts scene placements, so a planner notices a new episode whatever the call order.</summary>
    public long EpisodeSerial { get; private set; }
    public int EpisodeTick { get; private set; }
    public long Tick { get; private set; }

    public ReadOnlySpan<double> Joints => _servos.Position;
    /// <summary>The goals last commanded (clamped to the joint limits; without <see cref="ActionNoise"/>).</summary>
    public ReadOnlySpan<double> Goals => _commanded;
    public Vec3 Cube { get; private set; }
    public double CubeYaw { get; private set; }
    public bool CubeHeld { get; private set; }
    public bool CubeInBin { get; private set; }
    public bool Success { get; private set; }
    private int _successTick;

    public bool Done => Success && EpisodeTick - _successTick >= HoldTicksAfterSuccess;
    public string Condition => $"zone {Zone}";

    /// <summary>The zone of a seed: seeds 0,1,2… cycle through zones 1–6, so consecutive episodes use every zone.</summary>
    public static int ZoneOfSeed(int seed) => (int)(((long)seed % PickPlaceLayout.ZoneCount + PickPlaceLayout.ZoneCount) % PickPlaceLayout.ZoneCount) + 1;

    /// <summary>
    /// Places the scene of an episode: cube in its zone with a seeded offset and yaw, arm at a seeded rest pose.
    /// Idempotent for the same episode before its first tick, so robot, cameras and expert may all call it.
    /// </summary>
    public void BeginEpisode(int episodeIndex, int seed)
    {
        if (_episodeKey == (episodeIndex, seed) && EpisodeTick == 0 && EpisodeSerial > 0) return;
        _episodeKey = (episodeIndex, seed);
        var rng = new Random(seed);
        Zone = _forcedZone is >= 1 and <= PickPlaceLayout.ZoneCount ? _forcedZone : ZoneOfSeed(seed);
        var center = PickPlaceLayout.ZoneCenter(Zone);
        var jitter = PickPlaceLayout.CubeJitter;
        Cube = center + new Vec3((rng.NextDouble() * 2 - 1) * jitter, (rng.NextDouble() * 2 - 1) * jitter, 0);
        CubeYaw = (rng.NextDouble() * 2 - 1) * 30;
        // Rest pose: upper arm up, forearm forward, gripper tilted down and half closed, a few degrees of variation.
        double[] rest = [Jit(rng, 0, 6), Jit(rng, -4, 4), Jit(rng, 0, 4), Jit(rng, 62, 5), Jit(rng, 0, 6), Jit(rng, 25, 8)];
        if (RecoveryStarts > 0) rest = RecoveryStart(seed) ?? rest;
        _servos.Place(rest);
        _servos.Goal.CopyTo(_commanded, 0);
        Array.Clear(_noise);
        _noiseRng = new Random(unchecked(seed * 48271 + 7));
        CubeHeld = false;
        CubeInBin = false;
        Success = false;
        _surrounded = false;
        _cubeVz = 0;
        EpisodeTick = 0;
        EpisodeSerial++;
    }

    /// <summary>One tick of an Ornstein–Uhlenbeck drift per arm joint, stationary standard deviation <see cref="ActionNoise"/>.</summary>
    private void DriftNoise()
    {
        var keep = Math.Exp(-Dt / ActionNoiseTimeS);
        var scale = ActionNoise * Math.Sqrt(1 - keep * keep);
        for (var j = 0; j < So101Joints.Gripper; j++)
        {
            // Box–Muller: a standard normal from two uniforms.
            var gauss = Math.Sqrt(-2 * Math.Log(1 - _noiseRng.NextDouble())) * Math.Cos(2 * Math.PI * _noiseRng.NextDouble());
            _noise[j] = keep * _noise[j] + scale * gauss;
        }
    }

    /// <summary>A start pose where failed grasps end (see <see cref="RecoveryStarts"/>), or null for the rest pose.</summary>
    private double[]? RecoveryStart(int seed)
    {
        // Its own stream, so the cube and rest pose of a seed are the same with and without the option.
        var rng = new Random(unchecked(seed * 16807 + 31));
        if (rng.NextDouble() >= RecoveryStarts) return null;
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        TaskPose start;
        if (rng.NextDouble() < 0.5)
        {
            var bearing = U(0, 2 * Math.PI);
            var offset = U(0.01, 0.03);
            var tip = Cube + new Vec3(offset * Math.Cos(bearing), offset * Math.Sin(bearing), 0);
            start = new TaskPose(tip.PanDegrees, tip.Reach, Cube.Z + U(0, 0.06), U(165, 180), U(-45, 45), U(0, 100));
        }
        else
        {
            start = new TaskPose(U(-75, 30), U(0.12, 0.27), U(0.06, 0.16), U(150, 180), U(-45, 45), U(0, 25));
        }
        return So101Kinematics.Inverse(start);
    }

    private static double Jit(Random rng, double center, double spread) => center + (rng.NextDouble() * 2 - 1) * spread;

    /// <summary>Clamps a goal vector to the joint limits (what a real follower would really send).</summary>
    public static void ClampGoals(Span<double> goals)
    {
        for (var j = 0; j < So101Joints.Count; j++) goals[j] = So101Joints.Clamp(j, goals[j]);
    }

    /// <summary>Sets the servo goals (clamped to the joint limits) and advances physics by one control tick.</summary>
    public void Step(ReadOnlySpan<double> goals)
    {
        if (ActionNoise > 0) DriftNoise();
        for (var j = 0; j < So101Joints.Count; j++)
        {
            if (!double.IsFinite(goals[j])) continue; // the servo keeps its last goal
            _commanded[j] = So101Joints.Clamp(j, goals[j]);
            _servos.Goal[j] = So101Joints.Clamp(j, goals[j] + _noise[j]);
        }
        _servos.Advance(Dt);
        UpdateCube();
        Tick++;
        EpisodeTick++;
        if (!Success && CubeInBin && !CubeHeld && _cubeVz == 0)
        {
            Success = true;
            _successTick = EpisodeTick;
        }
    }

    private void UpdateCube()
    {
        var pose = So101Kinematics.Forward(_servos.Position);
        var cubeWidthGripper = So101Kinematics.GripperForGap(PickPlaceLayout.CubeSize);
        if (CubeHeld)
        {
            if (_servos.Position[So101Joints.Gripper] > cubeWidthGripper + 100 * OpenMargin / So101Kinematics.MaxJawGap)
            {
                CubeHeld = false;
                _servos.GripperStall = null;
                _surrounded = false;
                _cubeVz = 0;
            }
            else
            {
                Cube = pose.Tip + _holdOffset;
                return;
            }
        }

        var resting = _cubeVz == 0 && Cube.Z <= SupportHeight(Cube) + 1e-9;
        var near = resting && pose.Tip.HorizontalDistance(Cube) < NearHorizontal && Math.Abs(pose.Tip.Z - Cube.Z) < NearVertical;
        if (!near) _surrounded = false;
        else if (pose.JawGap > PickPlaceLayout.CubeSize + OpenMargin) _surrounded = true;
        else if (_surrounded && pose.JawGap <= PickPlaceLayout.CubeSize + 0.0005)
        {
            CubeHeld = true;
            CubeInBin = false;
            _holdOffset = Cube - pose.Tip;
            // The jaws stop on the cube: the gripper reads the cube's width from now on, as a real servo stalls.
            _servos.GripperStall = cubeWidthGripper;
            _servos.Position[So101Joints.Gripper] = Math.Max(_servos.Position[So101Joints.Gripper], cubeWidthGripper);
            _servos.Velocity[So101Joints.Gripper] = 0;
            return;
        }

        var support = SupportHeight(Cube);
        if (Cube.Z > support + 1e-9 || _cubeVz != 0)
        {
            _cubeVz -= Gravity * Dt;
            var z = Cube.Z + _cubeVz * Dt;
            if (z <= support)
            {
                z = support;
                _cubeVz = 0;
                CubeInBin = PickPlaceLayout.OverBin(Cube);
            }
            Cube = Cube with { Z = z };
        }
    }

    private static double SupportHeight(Vec3 p) =>
        (PickPlaceLayout.OverBin(p) ? PickPlaceLayout.BinFloor : 0) + PickPlaceLayout.CubeSize / 2;

    /// <summary>
    /// Shaped reward of the present state: 0.25 grasp point near the cube, 0.5 cube grasped, 0.75 cube held above the
    /// bin's rim over the bin, 1 cube released in the bin.
    /// </summary>
    public float Reward
    {
        get
        {
            if (Success) return 1f;
            if (CubeHeld)
            {
                var overBin = PickPlaceLayout.OverBin(Cube) && Cube.Z - PickPlaceLayout.CubeSize / 2 > PickPlaceLayout.BinWallHeight;
                return overBin ? 0.75f : 0.5f;
            }
            var tip = So101Kinematics.Forward(_servos.Position).Tip;
            return (tip - Cube).Length < 0.03 ? 0.25f : 0f;
        }
    }

    public SceneState Snapshot() => new(_servos.Position.ToArray(), Cube, CubeYaw, CubeHeld, Zone, Seed, Version, EpisodeTick);
}
