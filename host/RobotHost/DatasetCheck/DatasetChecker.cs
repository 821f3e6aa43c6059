using RobotHost.Sdk;

namespace RobotHost.DatasetCheck;

/// <summary>
/// Checks a dataset for the five data failure modes of imitation learning (docs/dataset-check.md) (too few episodes, one spatial zone, idle frames,
/// inconsistent technique, incomplete episodes) and the recording hygiene the field's dataset doctors check.
/// Works on any <see cref="IDatasetReader"/> (LeRobot v3.0 and v2.1 alike). Each finding names episodes, frames and the fix.
/// </summary>
public static partial class DatasetChecker
{
    /// <summary>Runs every check; writes plots when <see cref="DatasetCheckOptions.PlotDirectory"/> is set.</summary>
    public static DatasetReport Check(IDatasetReader reader, DatasetCheckOptions? options = null)
    {
        options ??= new DatasetCheckOptions();
        var episodes = EpisodeSeries.Load(reader);
        var context = new CheckContext(reader, episodes, options);
        var checks = new List<CheckResult>
        {
            EpisodeCount(context),
            SpatialDiversity(context),
            IdleFrames(context),
            TechniqueConsistency(context),
            IncompleteEpisodes(context),
            Timing(context),
            VideoFrames(context),
            ClippedValues(context),
            FrozenActions(context),
            ActionJumps(context),
            Outliers(context),
            EpisodeLengths(context),
            JointLimits(context),
            DuplicateEpisodes(context),
            StatsConsistency(context),
            TaskBalance(context),
        };
        var plots = options.PlotDirectory is { } dir ? CheckPlots.Write(context, checks, dir) : new Dictionary<string, string>();
        var status = checks.Count == 0 ? CheckStatus.Pass : checks.Max(c => c.Status);
        return new DatasetReport(reader.Root, reader.Schema.RobotType, reader.Schema.Fps, episodes.Count, reader.TotalFrames, status, checks, plots);
    }

    /// <summary>
    /// The checks that need one episode only, for the recorder to warn while recording
    /// (e.g. "episode 12 has 2.1 s idle at the start").
    /// </summary>
    public static IReadOnlyList<string> InspectEpisode(EpisodeSeries episode, int fps, DatasetCheckOptions? options = null)
    {
        options ??= new DatasetCheckOptions();
        var messages = new List<string>();
        var (start, end) = IdleRuns(episode, options.StillTolerance);
        if (start / (double)fps > options.IdleSeconds) messages.Add($"episode {episode.Episode} has {start / (double)fps:F1} s idle at the start");
        if (end / (double)fps > options.IdleSeconds) messages.Add($"episode {episode.Episode} has {end / (double)fps:F1} s idle at the end");
        if (episode.Success is { } success && !success.Any(s => s > 0.5)) messages.Add($"episode {episode.Episode} never sets the success flag");
        if (episode.Length < options.ChunkSize) messages.Add($"episode {episode.Episode} has only {episode.Length} frames, shorter than a {options.ChunkSize}-step chunk");
        return messages;
    }

    /// <summary>Everything the checks share: the data, names and derived quantities computed once.</summary>
    internal sealed class CheckContext
    {
        public CheckContext(IDatasetReader reader, IReadOnlyList<EpisodeSeries> episodes, DatasetCheckOptions options)
        {
            Reader = reader;
            Episodes = episodes;
            Options = options;
            Fps = reader.Schema.Fps;
            ActionNames = reader.Schema[FeatureKeys.Action].Names?.ToList() ?? Enumerable.Range(0, episodes.FirstOrDefault()?.Action[0].Length ?? 0).Select(i => $"action[{i}]").ToList();
            StateNames = reader.Schema.Features.Any(f => f.Key == FeatureKeys.State)
                ? reader.Schema[FeatureKeys.State].Names?.ToList() ?? ActionNames
                : ActionNames;
            Gripper = ActionNames.FindIndex(n => n.Contains("gripper", StringComparison.OrdinalIgnoreCase));
            GraspFrames = episodes.Select(e => Gripper < 0 ? -1 : GraspFrame(e, Gripper)).ToList();
        }

        public IDatasetReader Reader { get; }
        public IReadOnlyList<EpisodeSeries> Episodes { get; }
        public DatasetCheckOptions Options { get; }
        public int Fps { get; }
        public List<string> ActionNames { get; }
        public List<string> StateNames { get; }
        /// <summary>Index of the gripper in the action vector, or −1.</summary>
        public int Gripper { get; }
        /// <summary>Per episode, the frame where the gripper closes on the object (−1: never).</summary>
        public IReadOnlyList<int> GraspFrames { get; }

        /// <summary>
        /// Body joints (everything but the gripper) for trajectories; for poses only the joints that place the hand
        /// (not the wrist, whose angles are technique rather than position).
        /// </summary>
        public IReadOnlyList<int> BodyJoints(bool forPose) => Enumerable.Range(0, StateNames.Count)
            .Where(i => i != Gripper && !(forPose && StateNames[i].Contains("wrist", StringComparison.OrdinalIgnoreCase)))
            .ToList();

        private int GraspFrame(EpisodeSeries episode, int gripper)
        {
            // The command closes: it drops below 30% of the dataset's gripper range after having been above 60% (open).
            var all = Episodes.SelectMany(e => e.Action.Select(a => a[gripper])).ToList();
            double lo = all.Min(), hi = all.Max();
            if (hi - lo < 1e-6) return -1;
            var opened = false;
            for (var i = 0; i < episode.Length; i++)
            {
                var v = (episode.Action[i][gripper] - lo) / (hi - lo);
                if (v > 0.6) opened = true;
                else if (opened && v < 0.3) return i;
            }
            return -1;
        }
    }

    private static CheckResult Result(string id, string title, IReadOnlyList<CheckFinding> findings, CheckStatus whenFound, string passSummary, string? foundSummary = null) =>
        findings.Count == 0
            ? new CheckResult(id, title, CheckStatus.Pass, passSummary, findings)
            : new CheckResult(id, title, whenFound, foundSummary ?? $"{findings.Count} finding(s)", findings);

    private static string EpisodeList(IEnumerable<int> episodes)
    {
        var list = episodes.ToList();
        return list.Count <= 12 ? string.Join(", ", list) : string.Join(", ", list.Take(12)) + $" and {list.Count - 12} more";
    }

    /// <summary>Leading and trailing runs of frames where state and action stay within <paramref name="tolerance"/> of the first (last) frame.</summary>
    internal static (int Start, int End) IdleRuns(EpisodeSeries e, double tolerance)
    {
        bool Still(int i, int reference) =>
            e.State[i].Zip(e.State[reference]).All(p => Math.Abs(p.First - p.Second) < tolerance) &&
            e.Action[i].Zip(e.Action[reference]).All(p => Math.Abs(p.First - p.Second) < tolerance);
        var start = 0;
        while (start < e.Length && Still(start, 0)) start++;
        var end = 0;
        while (end < e.Length - start && Still(e.Length - 1 - end, e.Length - 1)) end++;
        return (start, end);
    }
}
