using System.Diagnostics;
using System.Text.Json;
using RobotHost.Evaluation;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private static EvalOptions Options(int episodes = 10, string? output = null, int videos = 0) => new()
    {
        Policy = null,
        Checkpoint = "unused",
        Env = "reach_2d",
        Episodes = episodes,
        OutputDir = output,
        Videos = videos,
    };

    [Fact]
    public void Same_policy_and_seed_give_the_same_numbers_and_another_seed_gives_others()
    {
        var policy = new NoisyGreedyPolicy(noise: 0.2f);
        var first = Evaluator.Evaluate(policy, new FakeReachEnvironment { MaxSteps = 20 }, Options(episodes: 16));
        var again = Evaluator.Evaluate(policy, new FakeReachEnvironment { MaxSteps = 20 }, Options(episodes: 16));
        var other = Evaluator.Evaluate(policy, new FakeReachEnvironment { MaxSteps = 20 }, Options(episodes: 16) with { Seed = 7 });

        Assert.Equal(first.Episodes.Select(e => (e.Success, e.Steps, e.MaxReward)), again.Episodes.Select(e => (e.Success, e.Steps, e.MaxReward)));
        Assert.Equal(first.SuccessRate, again.SuccessRate);
        // The noise matters: some rollouts fail, and other seeds give other rollouts.
        Assert.InRange(first.Successes, 1, 15);
        Assert.NotEqual(first.Episodes.Select(e => e.Steps), other.Episodes.Select(e => e.Steps));
        Assert.Equal(48, policy.Resets);
    }

    [Fact]
    public void Seeds_default_to_a_held_out_range_and_each_rollout_gets_its_own()
    {
        var result = Evaluator.Evaluate(new NoisyGreedyPolicy(0), new FakeReachEnvironment(), Options(episodes: 3));
        Assert.Equal([100_000, 100_001, 100_002], result.Episodes.Select(e => e.Seed));
        Assert.All(result.Episodes, e => Assert.True(e.Success));
        Assert.Equal(1.0, result.SuccessRate);
    }

    [Fact]
    public void Breakdown_per_condition_and_wilson_interval()
    {
        // Garbage on the right only: left succeeds, right fails.
        var policy = new GarbagePolicy(3, () => [float.NaN, 0]);
        var result = Evaluator.Evaluate(policy, new FakeReachEnvironment(), Options(episodes: 10));

        var left = Assert.Single(result.ByCondition, c => c.Condition == "left");
        var right = Assert.Single(result.ByCondition, c => c.Condition == "right");
        Assert.Equal((5, 5), (left.Episodes, left.Successes));
        Assert.Equal((5, 0), (right.Episodes, right.Successes));
        Assert.Equal(0.5, result.SuccessRate);
        // Wilson 95% for 5/10 is [0.237, 0.763].
        Assert.Equal(0.237, result.Interval.Low, 3);
        Assert.Equal(0.763, result.Interval.High, 3);
        Assert.Equal(0.0, right.Interval.Low, 6);
        Assert.Equal(0.434, right.Interval.High, 3);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("huge")]
    [InlineData("size")]
    [InlineData("throws")]
    public void Garbage_actions_are_never_applied_the_last_valid_one_is_held_and_the_rollout_fails(string kind)
    {
        Func<float[]> garbage = kind switch
        {
            "nan" => () => [float.NaN, 0.1f],
            "huge" => () => [1e9f, 0],
            "size" => () => [0.1f, 0.1f, 0.1f],
            _ => () => throw new InvalidOperationException("boom"),
        };
        var env = new FakeReachEnvironment();
        var result = Evaluator.Evaluate(new GarbagePolicy(2, garbage), env, Options(episodes: 2));

        var bad = result.Episodes.Single(e => e.Condition == "right");
        Assert.False(bad.Success);
        Assert.NotNull(bad.InvalidAction);
        Assert.Equal(1, result.InvalidActionEpisodes);
        Assert.True(result.Episodes.Single(e => e.Condition == "left").Success);
        Assert.All(env.Applied, a => Assert.True(a.Length == 2 && a.All(float.IsFinite) && a.All(v => MathF.Abs(v) < 10)));
        // Rollout 2 (right): 2 good steps, then the second good action is held once.
        var rightActions = env.Applied.TakeLast(3).ToList();
        Assert.Equal(rightActions[1], rightActions[2]);
        Assert.Equal(3, bad.Steps);
    }

    [Fact]
    public void Bounds_from_options_catch_out_of_range_actions()
    {
        var result = Evaluator.Evaluate(new GarbagePolicy(0, () => [5f, 0]), new FakeReachEnvironment(),
            Options(episodes: 2) with { ActionLow = [-1, -1], ActionHigh = [1, 1] });
        Assert.Contains("above its limit", result.Episodes[1].InvalidAction);
    }

    [Fact]
    public void Writes_json_plots_and_videos_that_decode()
    {
        var dir = RepoPaths.NewTempDirectory("rh-eval");
        var result = Evaluator.Evaluate(new NoisyGreedyPolicy(0.3f), new FakeReachEnvironment { MaxSteps = 25 }, Options(episodes: 6, output: dir, videos: 2));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json")));
        Assert.Equal(result.SuccessRate, json.RootElement.GetProperty("success_rate").GetDouble());
        Assert.Equal(6, json.RootElement.GetProperty("episodes").GetArrayLength());
        Assert.Equal(2, json.RootElement.GetProperty("by_condition").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("interval").GetProperty("low").GetDouble() <= result.SuccessRate);

        foreach (var png in new[] { "success_by_condition.png", "trajectories.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, png));
            Assert.True(bytes.Length > 2000, png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        var videos = Directory.GetFiles(Path.Combine(dir, "videos"), "*.mp4").Order().ToList();
        Assert.Equal(2, videos.Count);
        for (var i = 0; i < 2; i++)
        {
            // One frame for the reset observation plus one per step; ffprobe decodes every frame to count them.
            var (codec, frames) = Probe(videos[i]);
            Assert.Equal("h264", codec);
            Assert.Equal(result.Episodes[i].Steps + 1, frames);
        }
        Assert.Contains(result.Files, f => f.EndsWith("eval.json"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Trajectories_come_from_the_state_x_y_names()
    {
        var result = Evaluator.Evaluate(new NoisyGreedyPolicy(0), new FakeReachEnvironment(), Options(episodes: 2));
        var left = result.Episodes[0];
        Assert.Equal(left.Steps + 1, left.Trajectory.Count);
        Assert.Equal((0f, 0f), left.Trajectory[0]);
        Assert.True(left.Trajectory[^1].X < -0.45f);
        Assert.NotNull(result.Collisions);
    }

    [Fact]
    public void A_policy_that_reads_a_camera_the_environment_lacks_is_refused_with_the_fix()
    {
        var env = new NoCameraEnvironment();
        var e = Assert.Throws<RobotHost.Sdk.RobotHostException>(() => Evaluator.Evaluate(new NoisyGreedyPolicy(0), env, Options(episodes: 1)));
        Assert.Contains("observation.images.front", e.Message);
        Assert.Contains("cameras", e.Message);
    }

    private sealed class NoCameraEnvironment : RobotHost.Sdk.IEnvironment
    {
        private readonly FakeReachEnvironment _inner = new();
        public string TaskName => _inner.TaskName;
        public int Fps => _inner.Fps;
        public int MaxSteps => _inner.MaxSteps;
        public IReadOnlyList<RobotHost.Sdk.FeatureSpec> ObservationFeatures => _inner.ObservationFeatures.Take(1).ToList();
        public RobotHost.Sdk.FeatureSpec ActionFeature => _inner.ActionFeature;
        public string Condition => _inner.Condition;
        public RobotHost.Sdk.StepResult Reset(int seed) => _inner.Reset(seed);
        public RobotHost.Sdk.StepResult Step(ReadOnlySpan<float> action) => _inner.Step(action);
        public void Dispose() { }
    }

    private static (string Codec, int Frames) Probe(string path)
    {
        var start = new ProcessStartInfo("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        var parts = output.Split(',');
        return (parts[0], int.Parse(parts[1]));
    }
}
