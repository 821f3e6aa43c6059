using RobotHost.Learning.Policies;
using RobotHost.Learning.Training;
using RobotHost.Plugins.Policies.Diffusion;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>The <c>diffusion</c> plugin through the real trainer, checkpoints and runtime.</summary>
public sealed class DiffusionPolicyTests
{
    private static readonly DiffusionPolicyFactory Factory = new();

    [Fact]
    public void Overfits_a_tiny_state_dataset_and_a_loaded_checkpoint_samples_identically()
    {
        using var data = new SyntheticDataset(episodes: 4, length: 30);
        var config = GenerativePolicyHarness.Tiny(Factory.CreateConfig("small"));
        GenerativePolicyHarness.OverfitsAndReloadsIdentically(Factory, config, data, steps: 200, seed: 7, factor: 3, cameras: 0, "ε-prediction loss should fall clearly");
    }

    [Fact]
    public void Overfits_with_a_camera_through_the_resnet_encoder_and_random_crop()
    {
        using var data = new SyntheticDataset(episodes: 2, length: 24, imageSize: 32);
        var config = GenerativePolicyHarness.Tiny(Factory.CreateConfig("small")) with { BatchSize = 16 };
        GenerativePolicyHarness.OverfitsAndReloadsIdentically(Factory, config, data, steps: 150, seed: 3, factor: 2, cameras: 1, "loss should fall with a camera");
    }

    [Fact]
    public void Ddpm_and_ddim_give_chunks_of_the_configured_length_and_different_seeds_differ()
    {
        using var data = new SyntheticDataset(episodes: 2, length: 20);
        var config = GenerativePolicyHarness.Tiny(Factory.CreateConfig(null)) with { NoiseScheduler = "ddpm", NumInferenceSteps = 100 };
        var features = Factory.SelectFeatures(config, data.Schema);
        using var model = (DiffusionModel)Factory.CreateModel(config, features);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var observation = new PolicyBatch { Size = 1, State = zeros(1, config.NObsSteps, 2) };
        var ddpm = model.PredictActionChunk(observation);
        // The chunk starts at the current frame: horizon − n_obs + 1 actions.
        Assert.Equal([1L, config.Horizon - config.NObsSteps + 1, 2L], ddpm.shape);
        Assert.True(ddpm.abs().max().item<float>() <= 1.0f + 1e-5f, "DDPM with clip_sample stays in the normalised range");

        model.SamplerOverride = model.CreateSampler("ddim", 10);
        model.ReseedSampling(1);
        var seed1 = model.PredictActionChunk(observation);
        model.ReseedSampling(2);
        var seed2 = model.PredictActionChunk(observation);
        model.ReseedSampling(1);
        Assert.True(seed1.equal(model.PredictActionChunk(observation)).all().item<bool>());
        Assert.False(seed1.allclose(seed2), "different sampling seeds should give different samples");
    }

    [Fact]
    public void Presets_and_validation_name_the_problem()
    {
        Assert.Equal(["paper", "small"], Factory.Presets);
        var paper = Factory.CreateConfig("paper");
        Assert.Equal((2, 16, 8, 100, "ddim", 10), (paper.NObsSteps, paper.Horizon, paper.NActionSteps, paper.NumTrainTimesteps, paper.NoiseScheduler, paper.NumInferenceSteps));
        Assert.Equal("squared_cosine", paper.BetaSchedule);
        Assert.True(paper.UseEma);
        Assert.Empty(paper.Validate());
        Assert.Empty(Factory.CreateConfig("small").Validate());

        var bad = paper with { Horizon = 10, NActionSteps = 8 };
        Assert.Contains(bad.Validate(), p => p.Contains("horizon (10) must be a multiple of 4"));
        Assert.Contains((paper with { NActionSteps = 16 }).Validate(), p => p.Contains("n_action_steps"));
        Assert.Contains((paper with { NumInferenceSteps = 200 }).Validate(), p => p.Contains("num_inference_steps"));
        var error = Assert.Throws<Sdk.RobotHostException>(() => Factory.CreateConfig("huge"));
        Assert.Contains("paper, small", error.Message);
    }
}
