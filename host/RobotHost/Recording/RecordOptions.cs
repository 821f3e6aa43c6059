using RobotHost.Control;

namespace RobotHost.Recording;

/// <summary>
/// What to record and how: the rig (robot + teleoperator + cameras by registered key, or a simulated environment
/// with a scripted expert), where the dataset goes, and the session's rhythm (episodes, durations, rate).
/// Defaults follow LeRobot's <c>record</c> (30 fps, 60 s episodes, 60 s reset).
/// </summary>
public sealed record RecordOptions
{
    /// <summary>Robot key (e.g. <c>sim_so101</c>, <c>so101_follower</c>); null in environment mode.</summary>
    public string? RobotKey { get; init; }

    /// <summary>Robot config options (<c>name=value</c>).</summary>
    public IReadOnlyDictionary<string, string> RobotOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Teleoperator key (e.g. <c>sim_expert</c>, <c>so101_leader</c>); null in environment mode.</summary>
    public string? TeleopKey { get; init; }

    /// <summary>Teleoperator config options.</summary>
    public IReadOnlyDictionary<string, string> TeleopOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Camera keys, in order (e.g. <c>sim_front</c>, <c>sim_wrist</c>); the feature name comes from each camera's <c>Name</c>.</summary>
    public IReadOnlyList<string> CameraKeys { get; init; } = [];

    /// <summary>Config options per camera, same order as <see cref="CameraKeys"/> (missing entries mean defaults).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> CameraOptions { get; init; } = [];

    /// <summary>Environment key for gym mode (e.g. <c>obstacle_2d</c>): Reset(seed) / ExpertAction() / Step instead of a robot.</summary>
    public string? EnvironmentKey { get; init; }

    /// <summary>Environment config options.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Dataset folder (created, or appended to with <see cref="Resume"/>).</summary>
    public required string Root { get; init; }

    /// <summary>Dataset format key; null: the format that recognises <see cref="Root"/>, else the first registered one.</summary>
    public string? Format { get; init; }

    /// <summary>Episodes to save in this session.</summary>
    public int Episodes { get; init; } = 1;

    /// <summary>Longest episode in seconds (an episode also ends on → / n, or when a simulated task is done).</summary>
    public double EpisodeTimeS { get; init; } = 60;

    /// <summary>Reset phase between episodes in seconds (teleoperation continues, nothing is recorded).</summary>
    public double ResetTimeS { get; init; } = 60;

    /// <summary>Loop and dataset rate; null: 30 for a robot rig, the environment's own rate in gym mode.</summary>
    public int? Fps { get; init; }

    /// <summary>Task string of every episode; null: the environment's task name, or a generic one.</summary>
    public string? Task { get; init; }

    /// <summary>Append to an existing dataset; episode numbering continues.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// True: hold the rate with a real-time clock and wait out the reset phase. False (simulators only): run as fast as
    /// the components allow and skip the reset wait — the files are the same as a real-time recording.
    /// </summary>
    public bool Realtime { get; init; } = true;

    /// <summary>Seed of episode 0; episode <c>i</c> (dataset numbering) gets <c>Seed + i</c>.</summary>
    public int Seed { get; init; }

    /// <summary>Video codec the writer encodes while recording (<c>h264</c> live-capable, <c>av1</c> slow).</summary>
    public string VideoCodec { get; init; } = "h264";

    /// <summary>Frames the writer queue holds before frames are dropped (and reported); 0: about 256 MB of frames, at
    /// least two and at most ten seconds' worth (see <see cref="QueueCapacityAt"/>).</summary>
    public int QueueCapacity { get; init; }

    /// <summary>End an episode early when a simulated robot or environment says its task is done.</summary>
    public bool EndOnDone { get; init; } = true;

    /// <summary>Robot type written to the dataset in environment mode; null: the environment key.</summary>
    public string? RobotType { get; init; }

    /// <summary>How long to wait for each camera's first frame.</summary>
    public TimeSpan CameraWarmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Least time between two progress reports of the same phase (phase changes are always reported).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>True in gym mode.</summary>
    public bool IsEnvironmentMode => EnvironmentKey is not null;

    /// <summary>The rig these options name: robot, teleoperator and cameras by key.</summary>
    public RigSpec RigSpec => new(RobotKey ?? "", RobotOptions, TeleopKey, TeleopOptions, CameraKeys, CameraOptions);

    /// <summary>
    /// Frames the queue holds at <paramref name="fps"/> with frames of <paramref name="frameBytes"/> (all cameras). The next
    /// episode starts while the previous one is saved and its frames wait behind the save, so the queue must cover a save
    /// (about 2 s with two 640×480 cameras on a loaded 2-core machine, docs/benchmarks.md, "Recording"): a memory budget of
    /// 256 MB gives 4.6 s there and the ten-second cap at training sizes.
    /// </summary>
    public int QueueCapacityAt(int fps, long frameBytes = 0)
    {
        if (QueueCapacity > 0) return QueueCapacity;
        var low = Math.Max(8, 2 * fps);
        var high = Math.Max(low, 10 * fps);
        return frameBytes <= 0 ? low : (int)Math.Clamp((256L << 20) / frameBytes, low, high);
    }

    /// <summary>One message per problem, each naming the option and the fix.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Root)) yield return "--root is required: the folder the dataset is written to";
        if (EnvironmentKey is null)
        {
            if (string.IsNullOrWhiteSpace(RobotKey)) yield return "--robot is required (e.g. --robot sim_so101), or use --env KEY for a simulated environment";
            if (string.IsNullOrWhiteSpace(TeleopKey)) yield return "--teleop is required (e.g. --teleop sim_expert)";
        }
        else
        {
            if (RobotKey is not null || TeleopKey is not null || CameraKeys.Count > 0)
                yield return "--env records an environment with its scripted expert; drop --robot, --teleop and --cameras (or drop --env)";
        }
        if (Episodes < 1) yield return $"--episodes must be at least 1, got {Episodes}";
        if (!(EpisodeTimeS > 0)) yield return $"--episode-time must be more than 0 seconds, got {EpisodeTimeS}";
        if (!(ResetTimeS >= 0)) yield return $"--reset-time must be 0 or more seconds, got {ResetTimeS}";
        if (Fps is not null and (< 1 or > 1000)) yield return $"--fps must be between 1 and 1000, got {Fps}";
        if (CameraOptions.Count > CameraKeys.Count) yield return $"{CameraOptions.Count} camera option sets for {CameraKeys.Count} cameras";
        if (Task is not null && string.IsNullOrWhiteSpace(Task)) yield return "--task must not be empty";
    }
}
