// RobotHost demo — the whole imitation-learning loop on the simulated SO-101, in one script:
//   1. record expert demonstrations of pick_place (six zones) as a LeRobot v3 dataset,
//   2. check the dataset, then train a small policy on it,
//   3. correct it (DAgger): roll it out, let the scripted expert label the states it reaches, fine-tune on
//      demonstrations + corrections, and evaluate after every round on held-out seeds (never seen in recording),
//   4. print a results table; write plots, videos and results.md to the output folder.
//
//   robothost run scripts/demo.csx                        defaults: about 10 minutes on a 2-core CPU
//   robothost run scripts/demo.csx -- --quick             a one-minute smoke run (tests use it)
//   robothost run scripts/demo.csx -- --episodes 50 --steps 3000 --policy act --eval-episodes 60 --videos 3 --out out/demo
//   robothost run scripts/demo.csx -- --rounds 0                                   (behaviour cloning alone, no corrections)
//   robothost run scripts/demo.csx -- --rounds 3 --episodes-per-round 30 --fine-tune-steps 500 --beta0 0.5
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
var steps = Args.Int("steps", quick ? 10 : 1000); // then two correction rounds: 1000 + 2 × 300 steps fit the 10 minutes
var rounds = Args.Int("rounds", quick ? 1 : 2);
var episodesPerRound = Args.Int("episodes-per-round", quick ? 1 : 20);
var fineTuneSteps = Args.Int("fine-tune-steps", quick ? 5 : 300);
var beta0 = Args.Double("beta0", 0.5);
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

// 3. Correct and evaluate on held-out seeds: round 0 is the cloned policy as trained; each round rolls the latest
//    policy out (the expert drives a share beta of it, halved every round), records the expert's label of every state
//    reached, fine-tunes on demonstrations + corrections and evaluates again.
var label = $"{policyKey} ({preset}, {steps} steps)";
var correctDir = Out("correct");
if (Directory.Exists(correctDir)) Directory.Delete(correctDir, recursive: true);
IReadOnlyList<DaggerRound> roundsDone = [];
EvalResult eval;
if (rounds > 0)
{
    var corrected = Dagger(new DaggerOptions
    {
        Dataset = data.Root,
        Checkpoint = run.Checkpoint,
        Env = "pick_place",
        EnvOptions = envOptions,
        Rounds = rounds,
        EpisodesPerRound = episodesPerRound,
        Beta0 = beta0,
        FineTuneSteps = fineTuneSteps,
        EvalEpisodes = evalEpisodes,
        Videos = videos,
        OutputDir = correctDir,
    });
    roundsDone = corrected.Rounds;
    eval = corrected.Rounds[^1].Evaluation;
    label += $" + {corrected.Rounds.Count - 1} correction round(s)";
}
else
{
    eval = Evaluate(new EvalOptions
    {
        Checkpoint = run.Checkpoint,
        Env = "pick_place",
        EnvOptions = envOptions,
        Episodes = evalEpisodes,
        Videos = videos,
        OutputDir = Out("eval"),
        Label = label,
    });
}
var correctSeconds = total.Elapsed.TotalSeconds - recordSeconds - trainSeconds;

// 4. Results.
Print();
Table(eval);
if (roundsDone.Count > 0)
{
    Print();
    Print("success by correction round (0 = the cloned policy before corrections):");
    Print(DaggerRunner.ToTable(roundsDone));
}
Print();
Table(new[]
{
    new { Stage = "record", Result = $"{data.Episodes.Count} episodes, {data.Frames} frames", Seconds = Math.Round(recordSeconds) },
    new { Stage = "train", Result = $"{run.Steps} steps, final loss {run.FinalLoss:G3}", Seconds = Math.Round(trainSeconds) },
    new { Stage = rounds > 0 ? "correct + evaluate" : "evaluate", Result = $"{eval.Successes}/{eval.EpisodeCount} successes ({eval.SuccessRate:P0}, 95% {eval.Interval})", Seconds = Math.Round(correctSeconds) },
}, "timing");

var roundsText = roundsDone.Count > 0
    ? $"""

      Success by correction round (round 0 = behaviour cloning alone; {episodesPerRound} rollouts per round, beta {beta0:G2} halved each round, {fineTuneSteps} fine-tuning steps per round):

      ```
      {DaggerRunner.ToTable(roundsDone).TrimEnd()}
      ```
      """
    : "";
var report = Out("results.md");
File.WriteAllText(report, $"""
    # RobotHost demo results

    pick_place, {data.Episodes.Count} demonstrations ({data.Frames} frames, cameras: {cameras} at {imageSize}×{imageSize}),
    {label}, evaluated on {eval.EpisodeCount} held-out seeds from {eval.Seed}.

    ```
    {EvalReport.ToTable(eval).TrimEnd()}
    ```
    {roundsText}

    record {recordSeconds:F0} s, train {trainSeconds:F0} s, {(rounds > 0 ? "correct + evaluate" : "evaluate")} {correctSeconds:F0} s, total {total.Elapsed.TotalSeconds:F0} s.
    """);
Print();
Print($"done in {total.Elapsed.TotalSeconds:F0} s. Results in {OutDir}:");
Print($"  dataset      {data.Root}");
Print($"  check        {Out("check")} ({check.Status})");
Print($"  checkpoint   {(roundsDone.Count > 0 ? roundsDone[^1].Checkpoint : run.Checkpoint)}");
if (roundsDone.Count > 0) Print($"  corrections  {Path.Combine(correctDir, "corrections")}; by round: {Path.Combine(correctDir, DaggerRunner.PlotFileName)}");
foreach (var file in eval.Files) Print($"  evaluation   {file}");
Print($"  loss plot    {Out("training_loss.png")}");
Print($"  summary      {report}");
return 0;

static IReadOnlyList<double> Smooth(IReadOnlyList<double> values, int window) =>
    values.Select((_, i) => values.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(window, i + 1)).Average()).ToList();
