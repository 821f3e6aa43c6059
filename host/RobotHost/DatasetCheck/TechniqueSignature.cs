namespace RobotHost.DatasetCheck;

/// <summary>
/// What distinguishes one grasping technique from another independently of where the object lies: the gripper's pitch
/// and the sideways swing of the base over the approach to the grasp.
/// <para>
/// Comparing raw joint trajectories (even time-warped) mostly separates spatial zones, not techniques: a grasp on the
/// far ring bends lift, elbow and wrist very differently from one on the near ring. Two quantities are nearly the same
/// wherever the object is, yet change with technique: (1) the gripper's pitch, which for an arm whose lift, elbow and
/// wrist-flex axes are parallel (SO-100/101, Koch) is the signed sum of those three joints, and (2) the base pan relative
/// to its value at the grasp — a top-down grasp descends onto the object, a side grasp swings in from one side.
/// </para>
/// <para>
/// Calibrations differ in each joint's sign, so the sign pattern is taken from the data: the one whose pitch stays
/// steadiest over the last half second before each grasp, while the hand closes in on the object — the arm's joints
/// move, but a hand keeps its orientation then; a wrong sign pattern follows the joints. Within episodes, so it does
/// not depend on how many episodes use which technique.
/// </para>
/// </summary>
internal sealed class TechniqueSignature
{
    /// <summary>Samples of the approach, from this fraction of the way to the grasp until the grasp.</summary>
    private const double ApproachFrom = 0.55;
    private const int Points = 12;

    private readonly int _pan;
    private readonly int[] _pitchJoints;
    private readonly double[] _signs;

    private TechniqueSignature(int pan, int[] pitchJoints, double[] signs)
    {
        _pan = pan;
        _pitchJoints = pitchJoints;
        _signs = signs;
    }

    /// <summary>The pitch joints named (e.g. <c>shoulder_lift.pos</c>, <c>elbow_flex.pos</c>, <c>wrist_flex.pos</c>), or null when the arm has no such chain.</summary>
    public static TechniqueSignature? For(IReadOnlyList<string> stateNames, IReadOnlyList<EpisodeSeries> episodes, IReadOnlyList<int> graspFrames, int fps)
    {
        int Find(string part) => stateNames.ToList().FindIndex(n => n.Contains(part, StringComparison.OrdinalIgnoreCase));
        int pan = Find("pan"), lift = Find("lift"), elbow = Find("elbow"), wrist = Find("wrist_flex");
        if (pan < 0 || lift < 0 || elbow < 0 || wrist < 0) return null;
        int[] joints = [lift, elbow, wrist];
        var closingIn = Enumerable.Range(0, episodes.Count).Where(e => graspFrames[e] > 0)
            .Select(e => episodes[e].State[Math.Max(0, graspFrames[e] - Math.Max(2, fps / 2))..(graspFrames[e] + 1)]).ToList();
        if (closingIn.Count < 4) return null;
        double[]? best = null;
        var bestSpread = double.MaxValue;
        foreach (var se in new[] { 1.0, -1.0 })
        {
            foreach (var sw in new[] { 1.0, -1.0 })
            {
                double[] signs = [1, se, sw];
                var spread = TrajectoryDistance.Median(closingIn.Select(frames =>
                {
                    var pitches = frames.Select(q => Pitch(q, joints, signs)).ToList();
                    return pitches.Max() - pitches.Min();
                }));
                if (spread < bestSpread) (bestSpread, best) = (spread, signs);
            }
        }
        return new TechniqueSignature(pan, joints, best!);
    }

    /// <summary>Which sign pattern was chosen, for the report (e.g. <c>lift + elbow + wrist_flex</c>).</summary>
    public string PitchFormula => $"lift {(_signs[1] > 0 ? '+' : '−')} elbow {(_signs[2] > 0 ? '+' : '−')} wrist_flex";

    /// <summary>The gripper pitch at the grasp (degrees, up to a constant).</summary>
    public double PitchAt(EpisodeSeries episode, int frame) => Pitch(episode.State[frame], _pitchJoints, _signs);

    /// <summary>
    /// The approach to the grasp resampled by task phase — from <see cref="ApproachFrom"/> of the way between the first
    /// move (<paramref name="moveFrame"/>, after any idle start) and the grasp, to the grasp: pitch and pan relative to
    /// the grasp, <see cref="Points"/> samples each.
    /// </summary>
    public double[] Of(EpisodeSeries episode, int moveFrame, int graspFrame)
    {
        var result = new double[2 * Points];
        moveFrame = Math.Clamp(moveFrame, 0, graspFrame);
        var from = moveFrame + ApproachFrom * (graspFrame - moveFrame);
        var panAtGrasp = episode.State[graspFrame][_pan];
        for (var p = 0; p < Points; p++)
        {
            var t = from + (graspFrame - from) * p / (Points - 1);
            var lo = (int)Math.Floor(t);
            var hi = Math.Min(lo + 1, graspFrame);
            var w = t - lo;
            double Lerp(Func<float[], double> f) => (1 - w) * f(episode.State[lo]) + w * f(episode.State[hi]);
            result[p] = Lerp(q => Pitch(q, _pitchJoints, _signs));
            result[Points + p] = Lerp(q => q[_pan] - panAtGrasp);
        }
        return result;
    }

    /// <summary>Root-mean-square difference of two signatures (degrees).</summary>
    public static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b).Sum(p => (p.First - p.Second) * (p.First - p.Second)) / a.Length);

    private static double Pitch(float[] q, int[] joints, double[] signs) => joints.Select((j, k) => signs[k] * q[j]).Sum();
}
