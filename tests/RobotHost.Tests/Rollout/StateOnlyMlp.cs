using RobotHost.Recording;
using RobotHost.Training;

namespace RobotHost.Tests.Rollout;

/// <summary>A real trained checkpoint for SO-101 joints from the state alone: the simulator's expert records two short episodes, an MLP trains a few steps.</summary>
internal static class StateOnlyMlp
{
    /// <summary>Records and trains under <paramref name="home"/>; returns the checkpoint folder.</summary>
    public static string Train(HostSession session, string home)
    {
        var data = Path.Combine(home, "sim-demos");
        new Recorder(session.CreateLogger("test")).Record(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", Root = data, Episodes = 2, EpisodeTimeS = 2, ResetTimeS = 0, Realtime = false,
        });
        var trained = TrainingRunner.Train(session, new TrainOptions
        {
            DatasetRoot = data, PolicyKey = "mlp", Preset = "small", Steps = 10, OutputDir = Path.Combine(home, "mlp"),
        });
        return trained.LastCheckpoint;
    }
}
