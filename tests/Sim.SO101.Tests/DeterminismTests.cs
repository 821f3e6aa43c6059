using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Plugins.Sim.SO101.Tests.Support;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Tests;

public sealed class DeterminismTests
{
    [Fact]
    public void Pick_place_environment_replays_a_seed_bit_for_bit_images_included()
    {
        using var a = new PickPlaceEnvironment(new PickPlaceEnvConfig { Noise = 3, ColorJitter = 0.05 });
        using var b = new PickPlaceEnvironment(new PickPlaceEnvConfig { Noise = 3, ColorJitter = 0.05 });
        var first = Rollouts.ExpertEpisode(a, 11);
        Rollouts.ExpertEpisode(b, 4); // a different episode in between must not leak into the replay
        var second = Rollouts.ExpertEpisode(b, 11);
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Observation.ToVector(So101Joints.Names), second[i].Observation.ToVector(So101Joints.Names));
            Assert.Equal(first[i].Observation.Images["front"].Rgb, second[i].Observation.Images["front"].Rgb);
            Assert.Equal(first[i].Observation.Images["wrist"].Rgb, second[i].Observation.Images["wrist"].Rgb);
            Assert.Equal(first[i].Reward, second[i].Reward);
        }
        Assert.True(first[^1].Success);
    }

    [Fact]
    public void Robot_path_replays_a_seed_bit_for_bit_and_matches_the_environment()
    {
        var module = new SimSo101Module();
        var registry = new TestRegistry();
        module.Register(registry);
        var (robot, front, wrist, teleop) = Rollouts.Rig(registry);
        var first = Rollouts.RecordEpisode(robot, front, wrist, teleop, 0, 5);
        Rollouts.RecordEpisode(robot, front, wrist, teleop, 1, 6);
        var replay = Rollouts.RecordEpisode(robot, front, wrist, teleop, 2, 5);
        Assert.Equal(first.Count, replay.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].State, replay[i].State);
            Assert.Equal(first[i].Action, replay[i].Action);
            Assert.Equal(first[i].Front, replay[i].Front);
            Assert.Equal(first[i].Wrist, replay[i].Wrist);
        }
        Assert.True(first[^1].Success);

        // The same seed through the environment API: same states, actions and 96×96 images, same length.
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig());
        var results = new List<StepResult> { env.Reset(5) };
        var actions = new List<float[]>();
        while (!results[^1].Done)
        {
            actions.Add(env.ExpertAction());
            results.Add(env.Step(actions[^1]));
        }
        Assert.Equal(first.Count, actions.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].State, results[i].Observation.ToVector(So101Joints.Names));
            Assert.Equal(first[i].Action, actions[i]);
            Assert.Equal(first[i].Front, results[i].Observation.Images["front"].Rgb);
            Assert.Equal(first[i].Wrist, results[i].Observation.Images["wrist"].Rgb);
        }
        Assert.Equal(env.ObservationFeatures.Select(f => (f.Key, string.Join(",", f.Shape))),
            new[] { robot.StateFeature, FeatureSpec.Video(FeatureKeys.Image(front.Name), front.Height, front.Width), FeatureSpec.Video(FeatureKeys.Image(wrist.Name), wrist.Height, wrist.Width) }
                .Select(f => (f.Key, string.Join(",", f.Shape))));
        Assert.Equal(robot.ActionFeature.Names, env.ActionFeature.Names);
    }

    [Fact]
    public void Obstacle_environment_replays_a_seed_bit_for_bit()
    {
        using var env = new ObstacleEnvironment(new ObstacleEnvConfig { Cameras = "top" });
        var first = Rollouts.ExpertEpisode(env, 8);
        var second = Rollouts.ExpertEpisode(env, 8);
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Observation.ToVector(ObstacleEnvironment.Names), second[i].Observation.ToVector(ObstacleEnvironment.Names));
            Assert.Equal(first[i].Observation.Images["top"].Rgb, second[i].Observation.Images["top"].Rgb);
        }
    }
}
