using RobotHost.Learning.Policies;
using RobotHost.Learning.Training;
using RobotHost.Plugins.Policies.FlowMatching;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>The <c>flow_matching</c> plugin through the real trainer, checkpoints and runtime.</summary>
public sealed class FlowMatchingPolicyTests
{
    private static readonly FlowMatchingPolicyFactory Factory = new();

    [Fact]
    public void Overfits_a_tiny_state_dataset_and_a_loaded_checkpoint_samples_identically()
    {
        using var data = new SyntheticDataset(episodes: 4, length: 30);
        var config = GenerativePolicyHarness.Tiny(Factory.CreateConfig("small"));
        GenerativePolicyHarness.OverfitsAndReloadsIdentically(Factory, config, data, steps: 200, seed: 7, factor: 3, cameras: 0, "velocity loss should fall clearly");
    }

    [Fact]
    public void Overfits_with_a_camera_and_logit_normal_times()
    {
        using var data = new SyntheticDataset(episodes: 2, length: 24, imageSize: 32);
        var config = GenerativePolicyHarness.Tiny(Factory.CreateConfig("small")) with { BatchSize = 16, TimeSampling = "logit_normal", Integrator = "midpoint", NumInferenceSteps = 3 };
        GenerativePolicyHarness.OverfitsAndReloadsIdentically(Factory, config, data, steps: 150, seed: 3, factor: 2, cameras: 1, "loss should fall with a camera");
    }

    [Fact]
    public void Samples_are_clipped_chunks_and_different_seeds_differ()
    {
        using var data = new SyntheticDataset(episodes: 2, length: 20);
        var config = GenerativePolicyHarness.Tiny(Factory.CreateConfig(null));
        using var model = (FlowMatchingModel)Factory.CreateModel(config, Factory.SelectFeatures(config, data.Schema));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var observation = new PolicyBatch { Size = 1, State = zeros(1, config.NObsSteps, 2) };
        model.ReseedSampling(1);
        var seed1 = model.PredictActionChunk(observation);
        Assert.Equal([1L, config.Horizon - config.NObsSteps + 1, 2L], seed1.shape);
        Assert.True(seed1.abs().max().item<float>() <= 1.0f);
        model.ReseedSampling(2);
        var seed2 = model.PredictActionChunk(observation);
        model.ReseedSampling(1);
        Assert.True(seed1.equal(model.PredictActionChunk(observation)).all().item<bool>());
        Assert.False(seed1.allclose(seed2));
    }

    [Fact]
    public void Presets_and_validation_name_the_problem()
    {
        Assert.Equal(["paper", "small"], Factory.Presets);
        var paper = Factory.CreateConfig(null);
        Assert.Equal((2, 16, 8, "euler", 10), (paper.NObsSteps, paper.Horizon, paper.NActionSteps, paper.Integrator, paper.NumInferenceSteps));
        Assert.Empty(paper.Validate());
        Assert.Empty(Factory.CreateConfig("small").Validate());
        Assert.Contains((paper with { TimeSampling = "beta" }).Validate(), p => p.Contains("time_sampling"));
        Assert.Contains((paper with { Integrator = "rk4" }).Validate(), p => p.Contains("integrator"));
        Assert.Contains((paper with { NumInferenceSteps = 0 }).Validate(), p => p.Contains("num_inference_steps"));
    }
}
