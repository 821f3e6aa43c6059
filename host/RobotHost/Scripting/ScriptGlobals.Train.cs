using Microsoft.Extensions.Logging;
using RobotHost.Cli;
using RobotHost.Training;

namespace RobotHost.Scripting;

public sealed partial class ScriptGlobals
{
    /// <summary>
    /// Trains a policy on a dataset with the same runner, defaults and outputs as <c>robothost train</c>: checkpoints
    /// under <see cref="TrainSettings.OutputDir"/>, <c>train_log.jsonl</c> (every step), <c>train_summary.json</c> and
    /// <c>loss_curve.png</c>. Ctrl+C saves a partial checkpoint at the step reached (resumable), then stops the script.
    /// <code>var run = Train(new TrainSettings { Dataset = data.Root, Policy = "act", Preset = "small", Steps = 1500, OutputDir = Out("train") });</code>
    /// Fine-tune on demonstrations plus corrections: <c>MoreDatasets = [corrections], InitFrom = run.Checkpoint</c>.
    /// </summary>
    public TrainOutcome Train(TrainSettings settings)
    {
        var options = new TrainOptions
        {
            DatasetRoot = settings.Dataset,
            MoreDatasets = settings.MoreDatasets,
            PolicyKey = settings.Policy,
            Preset = settings.Preset,
            ConfigOverrides = settings.Set ?? new Dictionary<string, string>(),
            Steps = settings.Steps,
            Seed = settings.Seed,
            OutputDir = settings.OutputDir,
            SaveEvery = settings.SaveEvery,
            Resume = settings.Resume,
            InitFrom = settings.InitFrom,
            SourceWeights = settings.SourceWeights ?? new Dictionary<string, string>(),
            LogEvery = 1, // scripts plot the loss of every step
        };
        var stage = $"train {settings.Policy}";
        var progress = StageProgress.ForStderr();
        var result = TrainingRunner.Train(Host, options, new Progress(progress, stage), Cancel);
        if (result.Cancelled)
        {
            Log.LogWarning("training cancelled at step {Step}; partial checkpoint {Checkpoint}", result.Steps, result.LastCheckpoint);
            Console.Error.WriteLine($"training cancelled at step {result.Steps}; partial checkpoint saved in {result.LastCheckpoint}");
            Cancel.ThrowIfCancellationRequested();
        }
        var outcome = new TrainOutcome(result.LastCheckpoint, settings.Policy, result.Steps, result.Losses, result.Seconds, result.DataWaitFraction);
        progress.Done(stage, $"{outcome.Steps} steps in {outcome.Seconds:F0} s, final loss {outcome.FinalLoss:G3}");
        Log.LogInformation("{Outcome}", outcome.ToString());
        return outcome;
    }

    /// <summary>The runner's progress on the script's progress line (synchronous: <see cref="Progress{T}"/> would post it to the thread pool).</summary>
    private sealed class Progress(StageProgress line, string stage) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => line.Report(stage, value.Step, value.TotalSteps, "steps", $"loss {value.SmoothedLoss:G3}");
    }
}
