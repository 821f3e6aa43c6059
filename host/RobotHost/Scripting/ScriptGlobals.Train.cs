using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Training;
using RobotHost.Plugins;
using RobotHost.Sdk;

namespace RobotHost.Scripting;

public sealed partial class ScriptGlobals
{
    /// <summary>
    /// Trains a policy on a dataset and saves <c>checkpoints/&lt;step&gt;</c> under <see cref="TrainSettings.OutputDir"/>.
    /// Ctrl+C saves a partial checkpoint at the step reached (resumable), then stops the script.
    /// <code>var run = Train(new TrainSettings { Dataset = data.Root, Policy = "act", Preset = "small", Steps = 1500, OutputDir = Out("train") });</code>
    /// </summary>
    public TrainOutcome Train(TrainSettings settings)
    {
        var registered = Catalog.Policy(settings.Policy);
        if (registered is not ITrainablePolicyFactory factory)
            throw new RobotHostException($"policy '{settings.Policy}' cannot be trained by the host (its plugin has no trainable factory); trainable: " +
                                         string.Join(", ", Catalog.Keys(ComponentKind.Policy).Where(k => Catalog.Policy(k) is ITrainablePolicyFactory)));
        var config = (PolicyConfig)factory.CreateConfig(settings.Preset);
        if (settings.Set is { Count: > 0 }) config = (PolicyConfig)ConfigBinder.Bind(factory.ConfigType, settings.Policy, settings.Set, config);
        using var reader = Catalog.DatasetFormatFor(settings.Dataset).Open(settings.Dataset);
        using var trainer = PolicyTrainer.Create(factory, config, reader, new TrainerOptions { Seed = settings.Seed, TotalSteps = settings.Steps });
        var progress = new ConsoleProgress($"train {settings.Policy}", settings.Steps);
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        Log.LogInformation("training {Policy} ({Preset}) on {Dataset} ({Frames} frames) for {Steps} steps into {Output}",
            settings.Policy, settings.Preset, settings.Dataset, reader.TotalFrames, settings.Steps, settings.OutputDir);
        try
        {
            while (trainer.Step < settings.Steps)
            {
                Cancel.ThrowIfCancellationRequested();
                var step = trainer.TrainStep(Cancel);
                losses.Add(step.Loss);
                progress.Report(step.Step, $"loss {step.Loss:G3}");
                if (settings.SaveEvery > 0 && step.Step % settings.SaveEvery == 0 && step.Step < settings.Steps) trainer.SaveCheckpoint(settings.OutputDir);
            }
        }
        catch (OperationCanceledException) when (Cancel.IsCancellationRequested)
        {
            if (trainer.Step > 0)
            {
                var partial = trainer.SaveCheckpoint(settings.OutputDir);
                Log.LogWarning("training cancelled at step {Step}; partial checkpoint {Checkpoint}", trainer.Step, partial);
                Console.Error.WriteLine($"training cancelled at step {trainer.Step}; partial checkpoint saved in {partial}");
            }
            throw;
        }
        var checkpoint = trainer.SaveCheckpoint(settings.OutputDir);
        var outcome = new TrainOutcome(checkpoint, settings.Policy, trainer.Step, losses, clock.Elapsed.TotalSeconds, trainer.DataWaitFraction);
        progress.Done($"{outcome.Steps} steps in {outcome.Seconds:F0} s, final loss {outcome.FinalLoss:G3}");
        Log.LogInformation("{Outcome}", outcome.ToString());
        return outcome;
    }
}
