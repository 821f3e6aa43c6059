// Record demonstrations on a real SO-101 pair: the leader arm (teleoperator) drives the follower, two USB cameras film.
// Without hardware: --dry-run checks the arguments, --sim runs the same session on the simulated rig (tests use both).
//
//   robothost run scripts/so101-record.csx -- --follower-port /dev/ttyACM0 --leader-port /dev/ttyACM1 \
//       --follower-id my_follower --leader-id my_leader --episodes 50 --task "put the cube in the bowl" --out out/so101
//
// Keys while recording (LeRobot's): → / n ends the episode, ← / r re-records it, Esc / q stops. Ctrl+C cancels:
// torque off, the episode in progress discarded, every saved episode readable.

var followerPort = Args.String("follower-port", "/dev/ttyACM0");
var leaderPort = Args.String("leader-port", "/dev/ttyACM1");
var followerId = Args.String("follower-id", "follower");
var leaderId = Args.String("leader-id", "leader");
var episodes = Args.Int("episodes", 50);
var episodeTime = Args.Double("episode-time", 30);
var resetTime = Args.Double("reset-time", 10);
var task = Args.String("task", "pick the cube and place it in the bowl");
var cameras = Args.String("cameras", "front=0,wrist=2");   // name=device index or path, comma separated
OutDir = Path.GetFullPath(Args.String("out", OutDir));
var root = Args.String("root", Out("data"));

// --sim: the same session on the simulated SO-101 rig (sim_so101 + scripted expert + rendered cameras), to try the
// workflow without hardware.
var sim = Args.Flag("sim");
if (sim && Args.Get("cameras") is null) cameras = "front,wrist";
var cameraList = cameras.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(c => c.Split('=', 2)).Select(p => (Name: p[0], Device: p.Length > 1 ? p[1] : "0")).ToList();
var options = new RecordOptions
{
    RobotKey = sim ? "sim_so101" : "so101_follower",
    RobotOptions = sim ? new Dictionary<string, string>() : new Dictionary<string, string> { ["port"] = followerPort, ["id"] = followerId },
    TeleopKey = sim ? "sim_expert" : "so101_leader",
    TeleopOptions = sim ? new Dictionary<string, string>() : new Dictionary<string, string> { ["port"] = leaderPort, ["id"] = leaderId },
    CameraKeys = cameraList.Select(c => sim ? "sim_" + c.Name : "opencv").ToList(),
    CameraOptions = cameraList.Select(c => (IReadOnlyDictionary<string, string>)(sim
        ? new Dictionary<string, string> { ["width"] = "96", ["height"] = "96" }
        : new Dictionary<string, string> { ["name"] = c.Name, ["index_or_path"] = c.Device, ["width"] = "640", ["height"] = "480", ["fps"] = "30" })).ToList(),
    Root = root,
    Resume = Directory.Exists(root),
    Episodes = episodes,
    EpisodeTimeS = episodeTime,
    ResetTimeS = resetTime,
    Fps = 30,
    Task = task,
    Realtime = true,
};

Print(sim ? "simulated rig: sim_so101 + sim_expert" : $"follower {followerPort} ({followerId}), leader {leaderPort} ({leaderId})");
Print($"cameras {string.Join(", ", cameraList.Select(c => $"{c.Name}={c.Device}"))}");
Print($"{episodes} episodes of up to {episodeTime} s, {resetTime} s reset, into {root}{(options.Resume ? " (resuming)" : "")}");
if (Args.Flag("dry-run"))
{
    var problems = options.Validate().ToList();
    Print(problems.Count == 0 ? "dry run: options valid; robots: " + string.Join(", ", Catalog.Keys(ComponentKind.Robot)) : "problems: " + string.Join("; ", problems));
    return problems.Count == 0 ? 0 : 1;
}

// The operator's keys (→ / n next, ← / r re-record, Esc / q stop) when a terminal is attached.
var control = new RecordControl();
RecordResult result;
using (RobotHost.Cli.KeyboardRecordControl.StartIfInteractive(control))
    result = Record(options, control);
Print(result.Summary());
Print($"dataset: {result.Root}  (train and evaluate with scripts/so101-train-eval.csx -- --dataset {result.Root})");
return 0;
