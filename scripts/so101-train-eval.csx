// Train a policy on a real SO-101 dataset (recorded with so101-record.csx or LeRobot), check it offline on the
// held-out last episodes (action error against the demonstrations), and print how to roll it out on the arm.
// Needs the dataset, not the hardware; the rollout itself needs the arm (robothost rollout, safety-limited).
//
//   robothost run scripts/so101-train-eval.csx -- --dataset out/so101-record/data --policy act --steps 20000 \
//       --follower-port /dev/ttyACM0 --follower-id my_follower
//   robothost run scripts/so101-train-eval.csx -- --dry-run        checks arguments and plugins only

var dataset = Args.String("dataset", Path.Combine(Path.GetDirectoryName(OutDir)!, "so101-record", "data"));
var policyKey = Args.String("policy", "act");
var preset = Args.String("preset", "small");
var steps = Args.Int("steps", 20000);
var heldOut = Args.Int("held-out", 2);
var followerPort = Args.String("follower-port", "/dev/ttyACM0");
var followerId = Args.String("follower-id", "follower");
OutDir = Path.GetFullPath(Args.String("out", OutDir));

Print($"dataset {dataset}; {policyKey} ({preset}) for {steps} steps; last {heldOut} episode(s) held out for the offline check");
if (Args.Flag("dry-run"))
{
    var trainable = Catalog.Keys(ComponentKind.Policy);
    Print($"dry run: policies {string.Join(", ", trainable)}; robots {string.Join(", ", Catalog.Keys(ComponentKind.Robot))}; dataset {(Directory.Exists(dataset) ? "found" : "not found")}");
    return trainable.Contains(policyKey) ? 0 : 1;
}

var run = Train(new TrainSettings { Dataset = dataset, Policy = policyKey, Preset = preset, Steps = steps, OutputDir = Out("train"), SaveEvery = 5000 });
Plot.Line("training_loss.png", $"{policyKey} training loss", new Dictionary<string, IReadOnlyList<double>> { ["loss"] = run.Losses }, "step", "loss");

// Offline check: replay the held-out episodes' observations through the policy and compare with what the operator did.
var rows = OfflineCheck(Catalog.DatasetFormatFor(dataset).Open(dataset), Catalog.Policy(policyKey).Load(run.Checkpoint, Host.Context), heldOut, Cancel);
Table(rows, "offline check on held-out episodes (mean |policy − demonstration| per joint)");
Print($"checkpoint {run.Checkpoint}");
Print($"roll it out on the arm (torque off on Ctrl+C / e-stop):");
Print($"  robothost rollout --checkpoint {run.Checkpoint} --robot so101_follower --robot-option port={followerPort} --robot-option id={followerId}");
return 0;

record EpisodeCheck(int Episode, int Frames, double MeanAbsErrorDeg, string WorstJoint);

static List<EpisodeCheck> OfflineCheck(IDatasetReader datasetReader, IPolicy trained, int heldOutEpisodes, CancellationToken cancel)
{
    using var reader = datasetReader;
    using var policy = trained;
    var stateNames = reader.Schema[FeatureKeys.State].Names!;
    var actionNames = reader.Schema[FeatureKeys.Action].Names!;
    var rows = new List<EpisodeCheck>();
    foreach (var episode in reader.Episodes.TakeLast(heldOutEpisodes))
    {
        cancel.ThrowIfCancellationRequested();
        policy.Reset();
        var errors = new double[actionNames.Count];
        for (var i = episode.FromIndex; i < episode.ToIndex; i++)
        {
            var frame = reader.GetFrame(i, withImages: true);
            var state = frame.Values[FeatureKeys.State];
            var observation = new Observation
            {
                Values = stateNames.Select((n, k) => (n, state[k])).ToDictionary(p => p.n, p => p.Item2),
                Images = frame.Images.ToDictionary(kv => kv.Key[FeatureKeys.ImagePrefix.Length..], kv => kv.Value),
            };
            var predicted = policy.SelectAction(observation);
            var actual = frame.Values[FeatureKeys.Action];
            for (var k = 0; k < errors.Length; k++) errors[k] += Math.Abs(predicted[k] - actual[k]) / episode.Length;
        }
        rows.Add(new EpisodeCheck(episode.EpisodeIndex, episode.Length, Math.Round(errors.Average(), 2), actionNames[Array.IndexOf(errors, errors.Max())]));
    }
    return rows;
}
