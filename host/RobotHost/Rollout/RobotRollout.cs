using RobotHost.Sdk;
using RobotHost.Training;

namespace RobotHost.Rollout;

/// <summary>A rollout from keys and a checkpoint path (the CLI, scripts and the TUI): creates the devices, runs <see cref="RolloutRunner"/>, releases everything.</summary>
public static class RobotRollout
{
    /// <summary>
    /// Loads <paramref name="checkpoints"/> (several: one <see cref="PolicyEnsemble"/>), creates and connects the robot and cameras, runs the rollout and disconnects everything
    /// (robot torque off first) on every exit path.
    /// </summary>
    /// <exception cref="RobotHostException">Bad checkpoint/keys/options, a mismatch between policy and robot, or the watchdog stopped the rollout.</exception>
    public static RolloutResult Run(HostSession session, IReadOnlyList<string> checkpoints, string robotKey, IReadOnlyDictionary<string, string> robotOptions,
        IReadOnlyList<string> cameraKeys, IReadOnlyList<IReadOnlyDictionary<string, string>> cameraOptions, RolloutOptions options,
        IProgress<RolloutProgress>? progress, CancellationToken cancel)
    {
        options.Validate();
        var log = session.CreateLogger("RobotHost.Rollout");
        using var policy = PolicyLoader.Load(session, checkpoints);
        var robot = session.Catalog.CreateRobot(robotKey, robotOptions);
        var cameras = new List<ICamera>();
        try
        {
            for (var i = 0; i < cameraKeys.Count; i++) cameras.Add(session.Catalog.CreateCamera(cameraKeys[i], i < cameraOptions.Count ? cameraOptions[i] : new Dictionary<string, string>()));
            var runner = new RolloutRunner(robot, cameras, policy, options, log);
            foreach (var camera in cameras) camera.Connect();
            robot.Connect();
            return runner.Run(progress, cancel);
        }
        finally
        {
            robot.Disconnect();
            robot.Dispose();
            foreach (var camera in cameras)
            {
                camera.Disconnect();
                camera.Dispose();
            }
        }
    }
}
