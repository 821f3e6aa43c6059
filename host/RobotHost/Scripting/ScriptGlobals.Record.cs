using Microsoft.Extensions.Logging;
using RobotHost.Cli;
using RobotHost.Recording;

namespace RobotHost.Scripting;

public sealed partial class ScriptGlobals
{
    /// <summary>
    /// Records a dataset (a robot rig, or a simulated environment with its scripted expert) and returns what was saved.
    /// Ctrl+C discards only the episode in progress: saved episodes stay readable, and the script stops.
    /// <code>Record(new RecordOptions { EnvironmentKey = "pick_place", Root = Out("data"), Episodes = 50, Realtime = false })</code>
    /// </summary>
    /// <param name="options">What to record.</param>
    /// <param name="control">Operator requests (next episode, re-record, stop), e.g. from keys; null records the planned episodes.</param>
    public RecordResult Record(RecordOptions options, IRecordControl? control = null)
    {
        var stage = $"record {Path.GetFileName(options.Root)}";
        var progress = StageProgress.ForStderr();
        var recorder = new Recorder(Host.CreateLogger("RobotHost.Recording"));
        var result = recorder.Record(Host, options, control,
            progress: StageProgress.Callback<RecordProgress>(p => progress.Report(stage, p.SavedEpisodes, p.Episodes, "episodes", $"{p.TotalFrames} frames")), cancel: Cancel);
        progress.Done(stage, $"{result.Episodes.Count} episodes, {result.Frames} frames in {result.ElapsedS:F0} s → {result.Root}");
        if (result.StopReason == RecordStopReason.Cancelled)
        {
            Log.LogWarning("recording cancelled: {Saved} episode(s) saved in {Root}", result.Episodes.Count, result.Root);
            throw new OperationCanceledException($"recording cancelled; {result.Episodes.Count} saved episode(s) in {result.Root}", Cancel);
        }
        return result;
    }
}
