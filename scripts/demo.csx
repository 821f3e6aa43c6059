// RobotHost demo — the whole imitation-learning loop on the simulated SO-101, in one script:
//   1. record expert demonstrations of pick_place (six zones) as a LeRobot v3 dataset,
//   2. check the dataset, then train a small policy on it,
//   3. evaluate it in closed loop on held-out seeds (never seen in recording),
//   4. print a results table; write plots, videos and results.md to the output folder.
//
//   robothost run scripts/demo.csx                        defaults: about 10 minutes on a 2-core CPU
//   robothost run scripts/demo.csx -- --quick             a one-minute smoke run (tests use it)
//   robothost run scripts/demo.csx -- --episodes 50 --steps 3000 --policy act --eval-episodes 60 --videos 3 --out out/demo
//   robothost run scripts/demo.csx -- --steps 5500 --set scheduler=cosine --eval-episodes 60     (--set: any config field, repeatable)
//
// Ctrl+C stops cleanly: saved episodes stay readable, training leaves a partial checkpoint.

using System.Diagnostics;

var quick = Args.Flag("quick");
OutDir = Path.GetFullPath(Args.String("out", OutDir));
var episodes = Args.Int("episodes", quick ? 3 : 50);
var policyKey = Args.String("policy", "act");
var preset = Args.String("preset", "small");
var overrides = Args.All("set").Select(a => a.Split('=', 2)).ToDictionary(
    p => p[0], p => p.Length == 2 ? p[1] : throw new ArgumentException($"--set takes name=value, got '{p[0]}'"));
var steps = Args.Int("steps", quick ? 10 : 1500);
var evalEpisodes = Args.Int("eval-episodes", quick ? 2 : 30);
var videos = Args.Int("videos", quick ? 1 : 3);
var imageSize = Args.Int("image-size", 96);
// One 96×96 front camera plus the joint state: what fits a 2-core CPU's budget (add wrist with --cameras front,wrist).
var cameras = Args.String("cameras", "front");
var envOptions = new Dictionary<string, string>
{
    ["cameras"] = cameras,
    ["image_width"] = imageSize.ToString(),
    ["image_height"] = imageSize.ToString(),
};
if (quick) envOptions["max_steps"] = "60";

var total = Stopwatch.StartNew();
Print($"RobotHost demo: pick_place, {episodes} demonstrations, {policyKey} ({preset}) for {steps} steps, {evalEpisodes} evaluation rollouts");
Print($"output: {OutDir}");

// 1. Record: the environment's scripted expert demonstrates; no real time needed in simulation.
var dataRoot = Out("data");
if (Directory.Exists(dataRoot)) Directory.Delete(dataRoot, recursive: true);   // this script's own previous run
var data = Record(new RecordOptions
{
    EnvironmentKey = "pick_place",
    EnvironmentOptions = envOptions,
    Root = dataRoot,
    Episodes = episodes,
    EpisodeTimeS = quick ? 2 : 20,
    Realtime = false,
    Seed = 0,            // recording seeds 0…episodes-1; evaluation uses 100000+ (EvalOptions.HeldOutSeedBase)
});
var recordSeconds = total.Elapsed.TotalSeconds;

// 1b. Check the demonstrations before spending CPU on them (coverage of the zones, idle frames, gaps…).
var check = CheckDataset(data.Root, new DatasetCheckOptions { PlotDirectory = Out("check"), FailBelowEpisodes = Math.Min(20, episodes), WarnBelowEpisodes = Math.Min(50, episodes) });
Print($"dataset check: {check.Status}");

// 2. Train (checked: even a warning dataset is worth a try here, the report says what to fix).
var trainDir = Out("train");
if (Directory.Exists(trainDir)) Directory.Delete(trainDir, recursive: true);
var run = Train(new TrainSettings
{
    Dataset = data.Root,
    Policy = policyKey,
    Preset = preset,
    Set = overrides,
    Steps = steps,
    OutputDir = trainDir,
});
Plot.Line("training_loss.png", $"{policyKey} training loss", new Dictionary<string, IReadOnlyList<double>> { ["loss"] = Smooth(run.Losses, 20) }, "step", "loss (moving average)");
var trainSeconds = total.Elapsed.TotalSeconds - recordSeconds;

// 3. Evaluate on held-out seeds.
var eval = Evaluate(new EvalOptions
{
    Checkpoint = run.Checkpoint,
    Env = "pick_place",
    EnvOptions = envOptions,
    Episodes = evalEpisodes,
    Videos = videos,
    OutputDir = Out("eval"),
    Label = $"{policyKey} ({preset}, {steps} steps)",
});
var evalSeconds = total.Elapsed.TotalSeconds - recordSeconds - trainSeconds;

// 4. Results.
Print();
Table(eval);
Print();
Table(new[]
{
    new { Stage = "record", Result = $"{data.Episodes.Count} episodes, {data.Frames} frames", Seconds = Math.Round(recordSeconds) },
    new { Stage = "train", Result = $"{run.Steps} steps, final loss {run.FinalLoss:G3}", Seconds = Math.Round(trainSeconds) },
    new { Stage = "evaluate", Result = $"{eval.Successes}/{eval.EpisodeCount} successes ({eval.SuccessRate:P0}, 95% {eval.Interval})", Seconds = Math.Round(evalSeconds) },
}, "timing");

var report = Out("results.md");
File.WriteAllText(report, $"""
    # RobotHost demo results

    pick_place, {data.Episodes.Count} demonstrations ({data.Frames} frames, cameras: {cameras} at {imageSize}×{imageSize}),
    {policyKey} ({preset}) trained for {run.Steps} steps, evaluated on {eval.EpisodeCount} held-out seeds from {eval.Seed}.

    ```
    {EvalReport.ToTable(eval).TrimEnd()}
    ```

    record {recordSeconds:F0} s, train {trainSeconds:F0} s, evaluate {evalSeconds:F0} s, total {total.Elapsed.TotalSeconds:F0} s.
    """);
Print();
Print($"done in {total.Elapsed.TotalSeconds:F0} s. Results in {OutDir}:");
Print($"  dataset      {data.Root}");
Print($"  check        {Out("check")} ({check.Status})");
Print($"  checkpoint   {run.Checkpoint}");
Print($"  evaluation   {Path.Combine(OutDir, "eval", "eval.json")}");
foreach (var file in eval.Files.Where(f => !f.EndsWith("eval.json"))) Print($"               {file}");
Print($"  loss plot    {Out("training_loss.png")}");
Print($"  summary      {report}");
return 0;

static IReadOnlyList<double> Smooth(IReadOnlyList<double> values, int window) =>
    values.Select((_, i) => values.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(window, i + 1)).Average()).ToList();
