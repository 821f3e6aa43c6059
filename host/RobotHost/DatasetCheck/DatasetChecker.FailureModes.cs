namespace RobotHost.DatasetCheck;

/// <summary>The five data failure modes of imitation learning (docs/dataset-check.md).</summary>
public static partial class DatasetChecker
{
    private static CheckResult EpisodeCount(CheckContext c)
    {
        var n = c.Episodes.Count;
        var o = c.Options;
        if (n < o.FailBelowEpisodes)
            return new CheckResult("episode_count", "Enough episodes", CheckStatus.Fail, $"{n} episodes; a policy needs at least {o.WarnBelowEpisodes}",
                [new CheckFinding($"only {n} episodes (fewer than {o.FailBelowEpisodes})", [], [], $"record at least {o.WarnBelowEpisodes - n} more episodes; 150+ to generalise")]);
        if (n < o.WarnBelowEpisodes)
            return new CheckResult("episode_count", "Enough episodes", CheckStatus.Warn, $"{n} episodes; {o.WarnBelowEpisodes} is the usual minimum",
                [new CheckFinding($"only {n} episodes (fewer than {o.WarnBelowEpisodes})", [], [], $"record {o.WarnBelowEpisodes - n} more episodes; 150+ to generalise to new positions")]);
        return new CheckResult("episode_count", "Enough episodes", CheckStatus.Pass, $"{n} episodes" + (n < 150 ? " (150+ generalise better)" : ""), []);
    }

    /// <summary>
    /// Grasp poses (body joints at the moment the gripper closes) grouped into zones by single linkage: two grasps closer
    /// than <see cref="DatasetCheckOptions.ZoneRadiusDeg"/> are in one zone, so a zone follows its own spread, however shaped.
    /// </summary>
    internal static (List<int> Zone, List<double[]> Centres) GraspZones(CheckContext c)
    {
        var joints = c.BodyJoints(forPose: true);
        var poses = Enumerable.Range(0, c.Episodes.Count)
            .Select(e => c.GraspFrames[e] < 0 ? null : joints.Select(j => (double)c.Episodes[e].State[c.GraspFrames[e]][j]).ToArray())
            .ToList();
        var parent = Enumerable.Range(0, poses.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        for (var a = 0; a < poses.Count; a++)
        {
            if (poses[a] is not { } pa) continue;
            for (var b = a + 1; b < poses.Count; b++)
            {
                if (poses[b] is not { } pb) continue;
                if (Math.Sqrt(pa.Zip(pb).Sum(p => (p.First - p.Second) * (p.First - p.Second))) <= c.Options.ZoneRadiusDeg)
                    parent[Find(a)] = Find(b);
            }
        }
        var roots = new Dictionary<int, int>();
        var zone = new List<int>();
        var members = new List<List<double[]>>();
        for (var e = 0; e < poses.Count; e++)
        {
            if (poses[e] is not { } pose) { zone.Add(-1); continue; }
            var root = Find(e);
            if (!roots.TryGetValue(root, out var z)) { z = roots[root] = members.Count; members.Add([]); }
            members[z].Add(pose);
            zone.Add(z);
        }
        var centres = members.Select(m => Enumerable.Range(0, joints.Count).Select(k => m.Average(p => p[k])).ToArray()).ToList();
        return (zone, centres);
    }

    private static CheckResult SpatialDiversity(CheckContext c)
    {
        const string id = "spatial_diversity", title = "Spatial diversity";
        if (c.Gripper < 0)
            return new CheckResult(id, title, CheckStatus.Skip, "skipped: no gripper, so no grasp positions", []);
        var (zone, centres) = GraspZones(c);
        var grasped = zone.Count(z => z >= 0);
        if (grasped == 0)
            return new CheckResult(id, title, CheckStatus.Warn, "no episode closes the gripper, so grasp positions are unknown",
                [new CheckFinding("no grasp found in any episode", [], [], "check that the gripper is recorded in the action vector")]);
        var counts = zone.Where(z => z >= 0).GroupBy(z => z).ToDictionary(g => g.Key, g => g.Count());
        var summary = $"{centres.Count} grasp zone(s) over {grasped} grasping episodes: " + string.Join(", ", counts.OrderBy(p => p.Key).Select(p => $"zone {p.Key + 1}: {p.Value}"));
        if (centres.Count >= c.Options.MinZones) return new CheckResult(id, title, CheckStatus.Pass, summary, []);
        var dominant = counts.MaxBy(p => p.Value);
        return new CheckResult(id, title, CheckStatus.Warn, summary,
        [
            new CheckFinding($"objects were grasped in only {centres.Count} distinct zone(s) (fewer than {c.Options.MinZones}); {dominant.Value} of {grasped} episodes in one zone",
                Enumerable.Range(0, zone.Count).Where(e => zone[e] == dominant.Key).Select(e => c.Episodes[e].Episode).ToList(), [],
                $"add episodes with the object placed in {c.Options.MinZones - centres.Count} or more other zones of the workspace (see the coverage plot); a policy will not generalise to positions it never saw"),
        ]);
    }

    private static CheckResult IdleFrames(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        foreach (var e in c.Episodes)
        {
            var (start, end) = IdleRuns(e, c.Options.StillTolerance);
            if (start / (double)c.Fps > c.Options.IdleSeconds)
                findings.Add(new CheckFinding($"episode {e.Episode} has {start / (double)c.Fps:F1} s idle at the start (frames 0–{start - 1})", [e.Episode], [[0, start - 1]],
                    $"trim frames 0–{start - 1} of episode {e.Episode}, or re-record it starting to move at once"));
            if (end / (double)c.Fps > c.Options.IdleSeconds && end < e.Length)
                findings.Add(new CheckFinding($"episode {e.Episode} has {end / (double)c.Fps:F1} s idle at the end (frames {e.Length - end}–{e.Length - 1})", [e.Episode], [[e.Length - end, e.Length - 1]],
                    $"trim frames {e.Length - end}–{e.Length - 1} of episode {e.Episode} (stop recording when the task is done)"));
        }
        var episodes = findings.SelectMany(f => f.Episodes).Distinct().Count();
        return Result("idle_frames", "Idle frames at start or end", findings, CheckStatus.Warn, "no episode idles longer than " + c.Options.IdleSeconds + " s at its start or end",
            $"{episodes} episode(s) with idle frames: the policy learns to stand still");
    }

    /// <summary>
    /// Inconsistent technique, position-independent (see <see cref="TechniqueSignature"/>): each grasping episode's
    /// approach is reduced to the gripper pitch and the base's sideways swing over the last part of the way to the
    /// grasp, sampled by task phase (fractions of the time to the grasp), so a slow and a quick demonstration of one
    /// technique compare equal and the object's zone does not dominate. Two clearly separated groups are reported as two
    /// competing strategies; otherwise single episodes far from all the others are reported as outliers.
    /// </summary>
    private static CheckResult TechniqueConsistency(CheckContext c)
    {
        const string id = "technique_consistency", title = "Consistent technique";
        var o = c.Options;
        var signature = TechniqueSignature.For(c.StateNames, c.Episodes, c.GraspFrames, c.Fps);
        if (signature is null)
            return new CheckResult(id, title, CheckStatus.Skip, "skipped: needs a gripper that closes in 4+ episodes and pan, lift, elbow and wrist_flex joints", []);
        var members = Enumerable.Range(0, c.Episodes.Count).Where(e => c.GraspFrames[e] > 0).ToList();
        var signatures = members.Select(e => signature.Of(c.Episodes[e], IdleRuns(c.Episodes[e], o.StillTolerance).Start, c.GraspFrames[e])).ToList();
        var n = members.Count;
        var d = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                d[i, j] = d[j, i] = TechniqueSignature.Distance(signatures[i], signatures[j]);
        var pitch = members.Select(e => signature.PitchAt(c.Episodes[e], c.GraspFrames[e])).ToList();
        // Sideways swing: how far the base turns over the sampled approach (the pan samples are relative to the grasp).
        var swing = signatures.Select(s => s.Skip(s.Length / 2).Max(Math.Abs)).ToList();

        var findings = new List<CheckFinding>();
        var (a, b, separation, between) = BestTwoClusters(Enumerable.Range(0, n).ToList(), d);
        var small = a.Count <= b.Count ? a : b;
        var large = ReferenceEquals(small, a) ? b : a;
        var summary = $"approach signature (gripper pitch = {signature.PitchFormula}, base swing) over {n} grasping episodes";
        if (separation >= o.StrategySeparation && between >= o.TechniqueDistanceDeg && small.Count >= 2 && small.Count >= 0.1 * n)
        {
            var minority = small.Select(i => c.Episodes[members[i]].Episode).Order().ToList();
            var majority = large.Select(i => c.Episodes[members[i]].Episode).Order().ToList();
            string Describe(List<int> group) => $"pitch at grasp {group.Average(i => pitch[i]):F0}°, swing {group.Average(i => swing[i]):F0}°";
            findings.Add(new CheckFinding(
                $"two strategies: episodes [{EpisodeList(minority)}] vs [{EpisodeList(majority)}] ({Describe(small)} vs {Describe(large)}; {between:F0}° apart, {separation:F1}× the spread within each)",
                minority, [],
                "fine for Diffusion or flow matching, which can learn both; hurts MLP and ACT, which average two strategies into one that works for neither: re-record or drop the minority episodes, or train a generative policy"));
            return new CheckResult(id, title, CheckStatus.Warn, $"two strategies ({minority.Count} vs {majority.Count} episodes) in the {summary}", findings);
        }
        var scores = Enumerable.Range(0, n).Select(i => TrajectoryDistance.Median(Enumerable.Range(0, n).Where(j => j != i).Select(j => d[i, j]))).ToList();
        var median = TrajectoryDistance.Median(scores);
        var mad = TrajectoryDistance.Mad(scores);
        for (var i = 0; i < n; i++)
        {
            if (scores[i] > median + 4 * Math.Max(mad, 0.1 * median) && scores[i] > median + o.TechniqueDistanceDeg)
            {
                var episode = c.Episodes[members[i]].Episode;
                findings.Add(new CheckFinding(
                    $"episode {episode} approaches unlike the others ({scores[i]:F0}° from them vs typical {median:F0}°; pitch at grasp {pitch[i]:F0}° vs median {TrajectoryDistance.Median(pitch):F0}°, swing {swing[i]:F0}°)",
                    [episode], [], $"watch episode {episode}; drop or re-record it if the technique differs"));
            }
        }
        return Result(id, title, findings, CheckStatus.Warn, $"one technique: {summary}, typical distance {median:F1}°",
            $"{findings.Count} episode(s) approach unlike the rest");
    }

    /// <summary>The best split of <paramref name="members"/> around two medoids; separation = mean distance between clusters / mean within.</summary>
    private static (List<int> A, List<int> B, double Separation, double Between) BestTwoClusters(List<int> members, double[,] d)
    {
        if (members.Count < 4) return (members, [], 0, 0);
        double bestCost = double.MaxValue;
        (int, int) best = (members[0], members[1]);
        for (var i = 0; i < members.Count; i++)
        {
            for (var j = i + 1; j < members.Count; j++)
            {
                var cost = members.Sum(m => Math.Min(d[m, members[i]], d[m, members[j]]));
                if (cost < bestCost) (bestCost, best) = (cost, (members[i], members[j]));
            }
        }
        var a = members.Where(m => d[m, best.Item1] <= d[m, best.Item2]).ToList();
        var b = members.Except(a).ToList();
        if (a.Count < 2 || b.Count < 2) return (a, b, 0, 0);
        double Within(List<int> s) => s.SelectMany(x => s.Where(y => y > x).Select(y => d[x, y])).DefaultIfEmpty(0).Average();
        var within = (Within(a) * a.Count + Within(b) * b.Count) / members.Count;
        var between = a.SelectMany(x => b.Select(y => d[x, y])).Average();
        return (a, b, between / Math.Max(1e-9, within), between);
    }

    private static CheckResult IncompleteEpisodes(CheckContext c)
    {
        var findings = new List<CheckFinding>();
        var joints = c.BodyJoints(forPose: true);
        var finals = c.Episodes.Select(e => joints.Select(j => (double)e.State[^1][j]).ToArray()).ToList();
        var medianFinal = joints.Select((_, k) => TrajectoryDistance.Median(finals.Select(f => f[k]))).ToArray();
        var finalDistance = finals.Select(f => Math.Sqrt(f.Zip(medianFinal).Sum(p => (p.First - p.Second) * (p.First - p.Second)))).ToList();
        var typical = TrajectoryDistance.Median(finalDistance);
        var spread = TrajectoryDistance.Mad(finalDistance);
        for (var i = 0; i < c.Episodes.Count; i++)
        {
            var e = c.Episodes[i];
            var reasons = new List<string>();
            if (c.Gripper >= 0 && c.GraspFrames[i] < 0) reasons.Add("the gripper never closes");
            if (finalDistance[i] > Math.Max(15, typical + 4 * spread)) reasons.Add($"it ends {finalDistance[i]:F0}° away from where the others end");
            if (e.Success is { } success && !success.Any(s => s > 0.5)) reasons.Add("the success flag is never set");
            if (reasons.Count > 0)
                findings.Add(new CheckFinding($"episode {e.Episode} looks incomplete: {string.Join("; ", reasons)}", [e.Episode], [],
                    $"drop episode {e.Episode} or re-record it to the end of the task"));
        }
        var share = c.Episodes.Count == 0 ? 0 : findings.Count / (double)c.Episodes.Count;
        return Result("incomplete_episodes", "Complete episodes", findings, share > 0.05 ? CheckStatus.Fail : CheckStatus.Warn,
            "every episode completes the task", $"{findings.Count} incomplete episode(s) ({share:P0}): the policy learns to stop halfway");
    }
}
