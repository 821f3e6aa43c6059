// Slow inference on obstacle_2d (docs/experiments/realtime-chunking.md): how do chunk execution strategies hold up
// when every inference takes 0–400 ms of simulated time while the car drives on?
//
//   robothost run scripts/realtime-chunking.csx                    100 demos; flow matching and Diffusion, each also
//                                                                  trained with simulated delay; 4 delays × strategies
//   robothost run scripts/realtime-chunking.csx -- --quick         a smoke run (tests use it)
//   robothost run scripts/realtime-chunking.csx -- --reuse         evaluate the checkpoints already in the output folder
//   robothost run scripts/realtime-chunking.csx -- --delays 0,200 --policies flow_matching --eval-episodes 50
//
// Strategies (eval --chunk-execution): sync waits for each chunk (the robot holds its last action meanwhile); async
// infers ahead and switches to the new chunk on arrival; rtc infers ahead and samples the new chunk to continue the
// executing one, by guidance at sampling time or, for the checkpoints trained with simulated delay, by conditioning
// on the committed actions. ACT with temporal ensembling runs in sync (it needs an inference every tick).
//
// Output (default out/realtime-chunking/): results.md, success.png and boundary.png (one line per strategy),
// per run eval/<policy>/<strategy>-<delay>/eval.json.

using System.Diagnostics;
using System.Globalization;

var quick = Args.Flag("quick");
var reuse = Args.Flag("reuse");
OutDir = Path.GetFullPath(Args.String("out", OutDir));
var episodes = Args.Int("episodes", quick ? 4 : 100);
var evalEpisodes = Args.Int("eval-episodes", quick ? 2 : 100);
var delays = Args.String("delays", quick ? "0,200" : "0,100,200,400").Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToList();
var policies = Args.String("policies", quick ? "flow_matching" : "flow_matching,diffusion,act").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
// Chunks of 31 actions (horizon 32, two observation frames), 8 executed before the next inference starts: at 30 fps a
// 400 ms inference lasts 12 ticks, so the new chunk arrives after 20 of the current chunk's 31 actions.
const int Horizon = 32, ExecutionHorizon = 8;
// Training-time real-time chunking draws the delay of each training sample up to this many ticks (400 ms at 30 fps).
var trainingDelay = Args.Int("training-delay", 12);
int StepsFor(string policy) => Args.Get("steps") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : quick ? 10 : policy switch
{
    // As the obstacle experiment: ε-prediction learns this task more slowly than the flow velocity target.
    "diffusion" => 6000,
    "flow_matching" => 3000,
    _ => 2000,
};

IReadOnlyDictionary<string, string> Overrides(string policy, bool delayTraining)
{
    var set = new Dictionary<string, string> { ["n_action_steps"] = ExecutionHorizon.ToString(CultureInfo.InvariantCulture) };
    if (policy == "act")
    {
        set["n_action_steps"] = "1";
        set["temporal_ensemble_coeff"] = "0.01";
        return set;
    }
    set["horizon"] = Horizon.ToString(CultureInfo.InvariantCulture);
    set["down_dims"] = "[16,32,64]";   // a 1-D steering chunk from a 3-D state: the obstacle experiment's narrow U-Net
    if (delayTraining) set["rtc_training_max_delay"] = trainingDelay.ToString(CultureInfo.InvariantCulture);
    return set;
}

var total = Stopwatch.StartNew();
var dataRoot = Out("data");
if (!(reuse && Directory.Exists(dataRoot)))
{
    if (Directory.Exists(dataRoot)) Directory.Delete(dataRoot, recursive: true);
    var data = Record(new RecordOptions { EnvironmentKey = "obstacle_2d", Root = dataRoot, Episodes = episodes, EpisodeTimeS = 10, Realtime = false });
    Print($"recorded {data.Episodes.Count} demonstrations ({data.Frames} frames) in {data.ElapsedS:F0} s");
}

// (run name, policy, trained with simulated delay)
var runs = policies.SelectMany(p => p == "act" ? [(p, p, false)] : new[] { (p, p, false), ($"{p}_delay_trained", p, true) }).ToList();
var checkpoints = new Dictionary<string, string>();
foreach (var (name, policy, delayTraining) in runs)
{
    var trainDir = Out("train", name);
    var last = Path.Combine(trainDir, "checkpoints", "last");
    if (reuse && Directory.Exists(last)) { checkpoints[name] = last; continue; }
    if (Directory.Exists(trainDir)) Directory.Delete(trainDir, recursive: true);
    var run = Train(new TrainSettings { Dataset = dataRoot, Policy = policy, Preset = "small", Set = Overrides(policy, delayTraining), Steps = StepsFor(policy), Seed = 1000, OutputDir = trainDir });
    checkpoints[name] = run.Checkpoint;
}

// One row per evaluation; with --reuse, an evaluation whose eval.json exists is read back instead of run again
// (evaluating a checkpoint is deterministic for its seeds).
var rows = new List<Row>();
foreach (var (name, policy, delayTraining) in runs)
{
    string[] strategies = policy == "act" ? ["sync"] : delayTraining ? ["async", "rtc"] : ["sync", "async", "rtc"];
    foreach (var strategy in strategies)
        foreach (var delay in delays)
        {
            var dir = Out("eval", name, $"{strategy}-{delay}");
            var saved = Path.Combine(dir, "eval.json");
            if (reuse && File.Exists(saved)) { rows.Add(Row.Read(name, strategy, delay, saved)); continue; }
            Evaluate(new EvalOptions
            {
                Checkpoint = checkpoints[name],
                Env = "obstacle_2d",
                Episodes = evalEpisodes,
                OutputDir = dir,
                ChunkExecution = ChunkExecutionNames.Parse(strategy),
                InferenceDelay = InferenceDelay.Parse(delay.ToString(CultureInfo.InvariantCulture)),
                ExecutionHorizon = policy == "act" ? null : ExecutionHorizon,
                Label = $"{name} {strategy} {delay} ms",
                Plots = false,
            });
            rows.Add(Row.Read(name, strategy, delay, saved));
        }
}

string Label(string run, string strategy) => run == "act" ? "ACT, temporal ensembling (sync)"
    : run.EndsWith("_delay_trained") ? $"{run[..^"_delay_trained".Length]} trained with delay, {strategy}"
    : $"{run}, {strategy}";
static string Num(double? v) => v is { } x ? x.ToString("0.###", CultureInfo.InvariantCulture) : "-";
var table = Table(rows.Select(r => new
{
    Strategy = Label(r.Run, r.Strategy),
    DelayMs = r.Delay,
    Success = $"{r.Success:P0}",
    Interval95 = r.Interval,
    Collided = $"{r.Collided:P0}",
    HeldTicks = r.HeldTicks,
    BoundaryMaxStep = Num(r.BoundaryMaxStep),
    WithinMaxStep = Num(r.WithinMaxStep),
    BoundaryJerk = Num(r.BoundaryJerk),
    WithinJerk = Num(r.WithinJerk),
}), $"obstacle_2d: {evalEpisodes} held-out seeds per row; chunks of {Horizon - 1}, {ExecutionHorizon} executed before the next inference");

var lines = rows.GroupBy(r => Label(r.Run, r.Strategy)).ToList();
var xs = delays.Select(d => (double)d).ToList();
var success = Plot.Lines("success.png", "obstacle_2d: success against inference delay", xs,
    lines.ToDictionary(g => g.Key, g => (IReadOnlyList<double>)g.OrderBy(r => r.Delay).Select(r => r.Success * 100).ToList()), "inference delay, ms", "success %");
var boundary = Plot.Lines("boundary.png", "largest action step at a chunk boundary ÷ largest within a chunk", xs,
    lines.Where(g => !g.Key.StartsWith("ACT")).ToDictionary(g => g.Key, g => (IReadOnlyList<double>)g.OrderBy(r => r.Delay)
        .Select(r => r.BoundaryMaxStep is { } b && r.WithinMaxStep is { } w && w > 0 ? b / w : double.NaN).ToList()), "inference delay, ms", "boundary / within");

File.WriteAllText(Out("results.md"), $"""
    # obstacle_2d: chunk execution against inference delay

    ```
    {table.TrimEnd()}
    ```

    Plots: success.png, boundary.png. Per run: eval/<run>/<strategy>-<delay>/eval.json.
    """);
Print($"done in {total.Elapsed.TotalSeconds:F0} s; results in {OutDir} (results.md, success.png, boundary.png)");
return 0;

/// <summary>What the table and plots need from one eval.json.</summary>
record Row(string Run, string Strategy, int Delay, double Success, string Interval, double Collided, int HeldTicks,
    double? BoundaryMaxStep, double? WithinMaxStep, double? BoundaryJerk, double? WithinJerk)
{
    public static Row Read(string run, string strategy, int delay, string path)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        double? Number(System.Text.Json.JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble() : null;
        var smooth = root.GetProperty("smoothness");
        var episodes = root.GetProperty("episode_count").GetInt32();
        var interval = root.GetProperty("interval");
        return new Row(run, strategy, delay, root.GetProperty("success_rate").GetDouble(),
            string.Format(CultureInfo.InvariantCulture, "[{0:P0}, {1:P0}]", interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble()),
            episodes == 0 ? 0 : (Number(root, "collisions") ?? 0) / episodes, root.GetProperty("held_ticks").GetInt32(),
            Number(smooth, "boundary_max_step"), Number(smooth, "within_max_step"), Number(smooth, "boundary_jerk_mean"), Number(smooth, "within_jerk_mean"));
    }
}
