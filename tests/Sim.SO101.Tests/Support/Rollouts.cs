using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Tests.Support;

/// <summary>Runs whole episodes through the public APIs.</summary>
internal static class Rollouts
{
    /// <summary>One expert episode through an environment; returns every result (reset first).</summary>
    public static List<StepResult> ExpertEpisode(IEnvironment env, int seed)
    {
        var results = new List<StepResult> { env.Reset(seed) };
        var expert = (IScriptedExpert)env;
        while (!results[^1].Done) results.Add(env.Step(expert.ExpertAction()));
        return results;
    }

    /// <summary>A rig created as the host would: robot, two cameras and the expert from separate configs, one rig.</summary>
    public static (IRobot Robot, ICamera Front, ICamera Wrist, ITeleoperator Expert) Rig(TestRegistry registry, string rig = "default",
        int width = 96, int height = 96, SimExpertConfig? expert = null)
    {
        var robot = registry.Create<IRobot>("sim_so101", new SimRobotConfig { Rig = rig });
        var front = registry.Create<ICamera>("sim_front", new SimFrontCameraConfig { Rig = rig, Width = width, Height = height });
        var wrist = registry.Create<ICamera>("sim_wrist", new SimWristCameraConfig { Rig = rig, Width = width, Height = height });
        var teleop = registry.Create<ITeleoperator>("sim_expert", (expert ?? new SimExpertConfig()) with { Rig = rig });
        robot.Connect();
        front.Connect();
        wrist.Connect();
        teleop.Connect();
        return (robot, front, wrist, teleop);
    }

    /// <summary>One frame as the recorder sees it: observation, images, action sent.</summary>
    public sealed record RecordedFrame(float[] State, byte[] Front, byte[] Wrist, float[] Action, float Reward, bool Success);

    /// <summary>An episode recorded through the robot path, the way the recorder drives it (no real time).</summary>
    public static List<RecordedFrame> RecordEpisode(IRobot robot, ICamera front, ICamera wrist, ITeleoperator teleop, int episode, int seed, int maxFrames = 400)
    {
        foreach (var component in new object[] { teleop, front, robot, wrist }) ((IEpisodeAware)component).OnEpisodeStart(episode, seed);
        var feedback = (ITaskFeedback)robot;
        var frames = new List<RecordedFrame>();
        for (var i = 0; i < maxFrames && !feedback.Done; i++)
        {
            var state = robot.GetObservation().ToVector(robot.StateFeature.Names!);
            var f = front.ReadLatest()!;
            var w = wrist.ReadLatest()!;
            var sent = robot.SendAction(teleop.GetAction());
            frames.Add(new RecordedFrame(state, f.Rgb, w.Rgb, sent.ToVector(robot.ActionFeature.Names!), feedback.Reward, feedback.Success));
        }
        return frames;
    }
}
