using Microsoft.Extensions.Logging;
using RobotHost.Cli;
using RobotHost.Corrections;
using RobotHost.Recording;
using RobotHost.Training;

namespace RobotHost.Scripting;

public sealed partial class ScriptGlobals
{
    /// <summary>
    /// Correction rounds on the simulator (DAgger), as <c>robothost dagger</c>: roll out, let the expert label what the
    /// policy visits, fine-tune on demonstrations + corrections, evaluate; returns every round.
    /// <code>var rounds = Dagger(new DaggerOptions { Dataset = data.Root, Checkpoint = run.Checkpoint, Env = "pick_place", Rounds = 2, OutputDir = Out("correct") });</code>
    /// Ctrl+C keeps the rounds done and stops the script.
    /// </summary>
    public DaggerResult Dagger(DaggerOptions options)
    {
        var display = StageProgress.ForStderr();
        var result = DaggerRunner.Run(Host, options, StageProgress.Callback<DaggerProgress>(p =>
            display.Report(p.Label, p.Done, p.Total, p.Unit, p.Detail)), Cancel);
        display.Finish();
        Log.LogInformation("corrections: {Rounds} round(s), success {Success}", result.Rounds.Count - 1,
            string.Join(" → ", result.Rounds.Select(r => r.SuccessRate.ToString("P0", System.Globalization.CultureInfo.InvariantCulture))));
        if (result.Cancelled) Cancel.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>
    /// One piece of a round: rolls <paramref name="checkpoint"/> out on <see cref="RecordOptions.EnvironmentKey"/> and
    /// records the expert's label of every visited state into <see cref="RecordOptions.Root"/> (with <c>source</c> and
    /// <c>intervention</c> columns). The expert's action is executed with probability <paramref name="beta"/>.
    /// Train on it next with <c>Train(new TrainSettings { MoreDatasets = [root], InitFrom = checkpoint, … })</c>.
    /// </summary>
    public RecordResult CollectCorrections(string checkpoint, RecordOptions options, double beta = 0, long seed = 1000)
    {
        if (options.EnvironmentKey is null)
            throw new Sdk.RobotHostException("CollectCorrections needs EnvironmentKey: an environment whose scripted expert labels the states (pick_place, obstacle_2d)");
        using var environment = Catalog.CreateEnvironment(options.EnvironmentKey, options.EnvironmentOptions);
        using var policy = PolicyLoader.Load(Host, checkpoint);
        var format = Catalog.DatasetFormat(options.Format, options.Root);
        var stage = $"corrections {Path.GetFileName(options.Root)}";
        var progress = StageProgress.ForStderr();
        var (result, policyTicks, expertTicks, _) = new Recorder(Host.CreateLogger("RobotHost.Corrections")).RecordCorrections(environment, format,
            options with { Realtime = false }, new CorrectionMix(policy, beta, seed),
            StageProgress.Callback<RecordProgress>(p => progress.Report(stage, p.SavedEpisodes, p.Episodes, "episodes", $"{p.TotalFrames} frames")), Cancel);
        progress.Done(stage, $"{result.Episodes.Count} rollouts, {result.Frames} labelled frames, policy drove {(double)policyTicks / Math.Max(1, policyTicks + expertTicks):P0} → {result.Root}");
        if (result.StopReason == RecordStopReason.Cancelled) Cancel.ThrowIfCancellationRequested();
        return result;
    }
}
