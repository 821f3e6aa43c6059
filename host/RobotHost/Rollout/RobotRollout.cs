using RobotHost.Control;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Rollout;

/// <summary>A rollout from keys and a checkpoint path (the CLI, scripts and the TUI): creates the rig, runs <see cref="RolloutRunner"/>, releases everything.</summary>
public static class RobotRollout
{
    /// <summary>
    /// Loads <paramref name="checkpoints"/> (several: one <see cref="PolicyEnsemble"/>; none with <see cref="RolloutOptions.PolicyServer"/>), creates and connects the robot and cameras, runs the rollout and disconnects everything
    /// (robot torque off first) on every exit path.
    /// </summary>
    /// <exception cref="RobotHostException">Bad checkpoint/keys/options, a mismatch between policy and robot, or the watchdog stopped the rollout.</exception>
    public static RolloutResult Run(HostSession session, IReadOnlyList<string> checkpoints, string robotKey, IReadOnlyDictionary<string, string> robotOptions,
        IReadOnlyList<string> cameraKeys, IReadOnlyList<IReadOnlyDictionary<string, string>> cameraOptions, RolloutOptions options,
        IProgress<RolloutProgress>? progress, CancellationToken cancel) =>
        Run(session, checkpoints, new RigSpec(robotKey, robotOptions, null, null, cameraKeys, cameraOptions), options, progress: progress, cancel: cancel);

    /// <summary>
    /// A rollout on the rig of <paramref name="rigSpec"/>; its teleoperator, when named, takes over from the policy while
    /// <paramref name="takeover"/> asks for it (human-gated DAgger). With <paramref name="recording"/> every tick is recorded
    /// into a dataset with who drove it (<see cref="FeatureKeys.Source"/>, <see cref="FeatureKeys.Intervention"/>), in
    /// episodes controlled by <paramref name="control"/> as in <c>record</c>; its keys, episode count, length and reset time
    /// apply, and the rollout's own duration and episodes do not. Torque goes off on every exit path.
    /// </summary>
    /// <exception cref="RobotHostException">Bad checkpoint/keys/options, a mismatch between policy and rig, a dataset problem, or the watchdog stopped the rollout.</exception>
    public static RolloutResult Run(HostSession session, IReadOnlyList<string> checkpoints, RigSpec rigSpec, RolloutOptions options,
        RecordOptions? recording = null, TakeoverSwitch? takeover = null, IRecordControl? control = null,
        IProgress<RolloutProgress>? progress = null, IProgress<RecordProgress>? recordProgress = null, CancellationToken cancel = default)
    {
        options.Validate();
        var log = session.CreateLogger("RobotHost.Rollout");
        using var policy = PolicyLoader.Load(session, checkpoints, options.PolicyServer);
        using var rig = Rig.Create(session.Catalog, rigSpec, log);
        // The runner checks the policy against the robot, cameras and teleoperator before anything connects or moves.
        var runner = new RolloutRunner(rig, policy, options, log, takeover);
        if (recording is null)
        {
            rig.Connect();
            return runner.Run(progress, cancel);
        }
        return Record(session, runner, rig, recording with { RobotKey = rigSpec.RobotKey, TeleopKey = rigSpec.TeleopKey ?? "policy" },
            control, progress, recordProgress, cancel);
    }

    /// <summary>
    /// Records a rollout with <paramref name="runner"/> on <paramref name="rig"/> (the caller's: connected here, disconnected
    /// with torque off on every exit path, not disposed): every tick goes into the dataset of <paramref name="recording"/>
    /// with who drove it, in episodes controlled by <paramref name="control"/> as in <c>record</c>. A stop through
    /// <paramref name="control"/> saves the current episode; cancellation discards it. <paramref name="progress"/> gets the
    /// rollout's counts (takeovers, takeover frames) with every recording report.
    /// </summary>
    /// <exception cref="RobotHostException">A dataset or device problem, or the watchdog stopped the rollout.</exception>
    public static RolloutResult Record(HostSession session, RolloutRunner runner, Rig rig, RecordOptions recording, IRecordControl? control,
        IProgress<RolloutProgress>? progress, IProgress<RecordProgress>? recordProgress, CancellationToken cancel)
    {
        var fps = (int)Math.Round(runner.Hz);
        var recordOptions = recording with { Fps = fps, Realtime = true };
        var format = session.Catalog.DatasetFormat(recordOptions.Format, recordOptions.Root);
        var recorder = new Recorder(session.CreateLogger("RobotHost.Recording"));
        var source = new RolloutSource(runner, rig, recordOptions.CameraWarmup);
        var reports = progress is null ? recordProgress : new Reports(p =>
        {
            recordProgress?.Report(p);
            progress.Report(source.Progress(p));
        });
        var recorded = recorder.Record(source, format, recordOptions, fps, "policy rollout", control, reports, cancel);
        var stop = recorded.StopReason == RecordStopReason.Cancelled ? RolloutStop.Cancelled : RolloutStop.Completed;
        return runner.Result(stop, recorded.Episodes.Count, recorded.Loop) with { Recording = recorded };
    }

    // Reports on the loop's thread, in order (Progress<T> would post to the thread pool).
    private sealed class Reports(Action<RecordProgress> report) : IProgress<RecordProgress>
    {
        public void Report(RecordProgress value) => report(value);
    }
}
