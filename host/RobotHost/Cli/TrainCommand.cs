using System.CommandLine;
using System.Globalization;
using RobotHost.Plugins;
using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost train --dataset DIR [--dataset MORE…] --policy KEY [--preset small] --steps N --out DIR [--resume]
/// [--init-from CHECKPOINT] [--source-weight dagger=2…] [--batch-size B] [--device cpu|cuda] [--seed S] [--save-every N]
/// [--set name=value…] [--backend robothost|lerobot [--run] [--gpus N]]</c>: trains a policy with a progress line on stderr (step, loss, it/s, ETA); Ctrl+C saves a
/// partial checkpoint. With <c>--backend lerobot</c> it prints the equivalent <c>lerobot-train</c> command instead
/// (<see cref="LeRobotTraining"/>) and with <c>--run</c> runs it and imports the result.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dataset = new Option<string[]>("--dataset", "-d")
        {
            Description = "Dataset folder (LeRobot v3.0); repeat to train on several together, e.g. demonstrations and corrections",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var initFrom = new Option<string?>("--init-from") { Description = "Fine-tune: start from this checkpoint's network, weights and normalisation, with a fresh schedule of --steps" };
        var sourceWeight = new Option<string[]>("--source-weight")
        {
            Description = "Sampling weight of a frame source, name=value (repeatable): demo, policy, dagger, takeover, dagger_policy (defaults 1, 0, 1, 1, 0)",
            AllowMultipleArgumentsPerToken = false,
        };
        var policy = new Option<string>("--policy", "-p") { Description = "Policy key: mlp, act, diffusion, flow_matching", Required = true };
        var preset = new Option<string?>("--preset") { Description = "Config preset: paper (default) or small (CPU minutes)" };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => 1000 };
        var output = new Option<string>("--out", "-o") { Description = "Output folder (checkpoints/, train_log.jsonl, loss_curve.png)", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from checkpoints/last" };
        var batch = new Option<int?>("--batch-size", "-b") { Description = "Batch size (overrides the preset)" };
        var device = new Option<string?>("--device") { Description = "cpu or cuda (overrides the config)" };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation and data order", DefaultValueFactory = _ => 1000 };
        var saveEvery = new Option<long>("--save-every") { Description = "Save a checkpoint every N steps (0: at the end only)", DefaultValueFactory = _ => 0 };
        var logEvery = new Option<long>("--log-every") { Description = "Log every N steps", DefaultValueFactory = _ => 10 };
        var set = new Option<string[]>("--set") { Description = "Config override name=value (repeatable), e.g. --set lr=3e-4 --set chunk_size=30", AllowMultipleArgumentsPerToken = false };
        var backend = new Option<string>("--backend") { Description = "robothost (train here) or lerobot (print the equivalent lerobot-train command; --run runs it and imports the result)", DefaultValueFactory = _ => "robothost" };
        var run = new Option<bool>("--run") { Description = "With --backend lerobot: run lerobot-train (on PATH) and import its checkpoint into --out/policy" };
        var gpus = new Option<int>("--gpus") { Description = "With --backend lerobot: GPUs to train on (more than 1: accelerate launch --multi_gpu)", DefaultValueFactory = _ => 1 };
        var command = new Command("train", "Train a policy on a dataset: checkpoints, a JSONL log and a loss-curve PNG in the output folder")
        {
            dataset, policy, preset, steps, output, resume, initFrom, sourceWeight, batch, device, seed, saveEvery, logEvery, set, backend, run, gpus,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                var datasets = parse.GetValue(dataset)!;
                var options = new TrainOptions
                {
                    DatasetRoot = datasets[0],
                    MoreDatasets = datasets.Skip(1).ToList(),
                    InitFrom = parse.GetValue(initFrom),
                    SourceWeights = ConfigBinder.ParseOptions(parse.GetValue(sourceWeight)),
                    PolicyKey = parse.GetValue(policy)!,
                    Preset = parse.GetValue(preset),
                    Steps = parse.GetValue(steps),
                    OutputDir = parse.GetValue(output)!,
                    Resume = parse.GetValue(resume),
                    BatchSize = parse.GetValue(batch),
                    Device = parse.GetValue(device),
                    Seed = parse.GetValue(seed),
                    SaveEvery = parse.GetValue(saveEvery),
                    LogEvery = parse.GetValue(logEvery),
                    ConfigOverrides = ConfigBinder.ParseOptions(parse.GetValue(set)),
                };
                switch (parse.GetValue(backend))
                {
                    case LeRobotTraining.BackendName: return TrainWithLeRobot(session, options, parse.GetValue(gpus), parse.GetValue(run), stop.Token);
                    case "robothost": break;
                    case var other: throw new RobotHostException($"--backend must be robothost or lerobot, got '{other}'");
                }
                if (parse.GetValue(run) || parse.GetValue(gpus) != 1) throw new RobotHostException("--run and --gpus belong to --backend lerobot; add --backend lerobot or drop them");
                var display = StageProgress.ForStderr();
                var stage = $"train {options.PolicyKey}";
                TrainResult result;
                try
                {
                    result = TrainingRunner.Train(session, options, StageProgress.Callback<TrainProgress>(p =>
                        display.Report(stage, p.Step, p.TotalSteps, "steps", string.Create(CultureInfo.InvariantCulture, $"loss {p.SmoothedLoss:G4}, data wait {p.DataWaitFraction:P0}"))), stop.Token);
                }
                finally { display.Finish(); }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(result.Cancelled ? "cancelled" : "done")}: {result.Steps} steps, loss {result.FirstLoss:G4} → {result.FinalLoss:G4}, {result.Seconds:F0} s, data wait {result.DataWaitFraction:P1}"));
                Console.WriteLine(result.LastCheckpoint);
                return result.Cancelled ? CliApp.Cancelled : 0;
            });
        });
        return command;
    }

    private static int TrainWithLeRobot(HostSession session, TrainOptions options, int gpus, bool run, CancellationToken cancel)
    {
        var command = LeRobotTraining.Plan(session, options, gpus);
        foreach (var note in command.Notes) Console.Error.WriteLine($"note: {note}");
        Console.WriteLine(command.ShellLine);
        if (!run) return 0;
        var report = LeRobotTraining.Run(session, command, options, cancel);
        Console.Error.WriteLine($"imported LeRobot's checkpoint as {report.PolicyType} checkpoint {report.Output}");
        Console.WriteLine(report.Output);
        return 0;
    }
}
