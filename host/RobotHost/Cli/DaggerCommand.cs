using System.CommandLine;
using RobotHost.Corrections;
using RobotHost.Evaluation;
using RobotHost.Plugins;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost dagger --dataset DEMOS [--checkpoint DIR | --policy act --preset small --initial-steps N] --env pick_place
/// [--env-option k=v…] [--rounds R] [--episodes-per-round N] [--beta0 B] [--beta-decay D] [--fine-tune-steps S]
/// [--source-weight dagger=2…] [--eval-episodes E] [--out DIR] [--resume]</c>: correction rounds on the simulator with the
/// scripted expert labelling what the policy visits; prints a table per round and writes dagger.md, dagger.json and
/// success_by_round.png.
/// </summary>
public static class DaggerCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "The demonstrations (dataset folder)", Required = true };
        var checkpoint = new Option<string?>("--checkpoint", "-c") { Description = "Policy to correct; without it one is trained on --dataset first" };
        var policy = new Option<string>("--policy", "-p") { Description = "Policy key for the first training", DefaultValueFactory = _ => "act" };
        var preset = new Option<string?>("--preset") { Description = "Preset of the first training", DefaultValueFactory = _ => "small" };
        var initialSteps = new Option<long>("--initial-steps") { Description = "Steps of the first training", DefaultValueFactory = _ => 1500 };
        var set = new Option<string[]>("--set") { Description = "Config override of the first training, name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var env = new Option<string>("--env") { Description = "Environment with a scripted expert: pick_place or obstacle_2d", DefaultValueFactory = _ => "pick_place" };
        var envOptions = new Option<string[]>("--env-option") { Description = "Environment config key=value (repeatable), as when recording", AllowMultipleArgumentsPerToken = false };
        var rounds = new Option<int>("--rounds", "-r") { Description = "Correction rounds", DefaultValueFactory = _ => 3 };
        var perRound = new Option<int>("--episodes-per-round") { Description = "Rollouts labelled by the expert per round", DefaultValueFactory = _ => 20 };
        var beta0 = new Option<double>("--beta0") { Description = "Probability of executing the expert's action in round 1", DefaultValueFactory = _ => 0.5 };
        var betaDecay = new Option<double>("--beta-decay") { Description = "Factor on beta from one round to the next", DefaultValueFactory = _ => 0.5 };
        var segment = new Option<double>("--segment-s") { Description = "Seconds one beta draw lasts: the expert or the policy drives for that long (0: a draw every tick)", DefaultValueFactory = _ => 1.0 };
        var fineTune = new Option<long>("--fine-tune-steps") { Description = "Fine-tuning steps per round, from the last checkpoint", DefaultValueFactory = _ => 500 };
        var fineTuneSet = new Option<string[]>("--fine-tune-set") { Description = "Config override of the fine-tuning, name=value (e.g. lr=5e-5)", AllowMultipleArgumentsPerToken = false };
        var sourceWeight = new Option<string[]>("--source-weight") { Description = "Sampling weight of a frame source, name=value: demo, dagger (default 1), dagger_policy (DAgger frames the policy drove, default 0)", AllowMultipleArgumentsPerToken = false };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "Held-out evaluation rollouts per round", DefaultValueFactory = _ => 30 };
        var evalSeed = new Option<int>("--eval-seed") { Description = "Seed of the first evaluation rollout", DefaultValueFactory = _ => EvalOptions.HeldOutSeedBase };
        var videos = new Option<int>("--videos") { Description = "Videos of the first K evaluation rollouts of each round", DefaultValueFactory = _ => 0 };
        var corrections = new Option<string?>("--corrections") { Description = "Corrections dataset folder (default: <out>/corrections)" };
        var resume = new Option<bool>("--resume") { Description = "Append to an existing corrections dataset" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder", DefaultValueFactory = _ => "runs/dagger" };
        var seed = new Option<long>("--seed") { Description = "Training seed (round r uses seed + r)", DefaultValueFactory = _ => 1000 };
        var command = new Command("dagger", "Correction rounds on the simulator (DAgger): roll out the policy, let the scripted expert label every state it visits, fine-tune on demonstrations + corrections, evaluate")
        {
            dataset, checkpoint, policy, preset, initialSteps, set, env, envOptions, rounds, perRound, beta0, betaDecay, segment, fineTune, fineTuneSet,
            sourceWeight, evalEpisodes, evalSeed, videos, corrections, resume, output, seed,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                var options = new DaggerOptions
                {
                    Dataset = parse.GetValue(dataset)!,
                    Checkpoint = parse.GetValue(checkpoint),
                    Policy = parse.GetValue(policy)!,
                    Preset = parse.GetValue(preset),
                    InitialSteps = parse.GetValue(initialSteps),
                    Set = ConfigBinder.ParseOptions(parse.GetValue(set)),
                    Env = parse.GetValue(env)!,
                    EnvOptions = EvalCommand.ParseOptions(parse.GetValue(envOptions) ?? []),
                    Rounds = parse.GetValue(rounds),
                    EpisodesPerRound = parse.GetValue(perRound),
                    Beta0 = parse.GetValue(beta0),
                    BetaDecay = parse.GetValue(betaDecay),
                    SegmentS = parse.GetValue(segment),
                    FineTuneSteps = parse.GetValue(fineTune),
                    FineTuneSet = ConfigBinder.ParseOptions(parse.GetValue(fineTuneSet)),
                    SourceWeights = ConfigBinder.ParseOptions(parse.GetValue(sourceWeight)),
                    EvalEpisodes = parse.GetValue(evalEpisodes),
                    EvalSeed = parse.GetValue(evalSeed),
                    Videos = parse.GetValue(videos),
                    CorrectionsRoot = parse.GetValue(corrections),
                    Resume = parse.GetValue(resume),
                    OutputDir = parse.GetValue(output)!,
                    Seed = parse.GetValue(seed),
                };
                var display = StageProgress.ForStderr();
                var result = DaggerRunner.Run(session, options,
                    StageProgress.Callback<DaggerProgress>(p => display.Report(p.Label, p.Done, p.Total, p.Unit, p.Detail)), stop.Token);
                display.Finish();
                Console.Write(DaggerRunner.ToTable(result.Rounds));
                Console.WriteLine($"corrections in {result.CorrectionsRoot}");
                foreach (var file in result.Files) Console.WriteLine($"wrote {file}");
                Console.WriteLine($"final policy {result.FinalCheckpoint}");
                return result.Cancelled ? CliApp.Cancelled : 0;
            });
        });
        return command;
    }
}
