using RobotHost.Learning.Policies;
using RobotHost.Learning.Tests.Generative;
using RobotHost.Learning.Tests.Support;
using RobotHost.Learning.Training;
using RobotHost.Plugins.Policies.Act;
using RobotHost.Plugins.Policies.Diffusion;
using Xunit.Abstractions;

namespace RobotHost.Learning.Tests;

/// <summary>
/// TorchSharp 0.107 frees the native Scalar behind every number argument from a finalizer, which can run while libtorch
/// still reads it. Without the scalar guard (see <see cref="TorchRuntime.ScalarGuardStatus"/>) the first test fails
/// within seconds ("Expected false to be true … toFloat", measured 2 of 2 runs); with it, training and sampling run
/// through thousands of collections.
/// </summary>
public sealed class GcStormTests(ITestOutputHelper output)
{
    private const int MinCollections = 20;

    [Fact]
    public void Act_with_a_camera_trains_while_collections_run_back_to_back()
    {
        var config = new ActPolicyFactory().CreateConfig("small") with
        {
            ChunkSize = 5, NActionSteps = 5, TemporalEnsembleCoeff = null, DModel = 32, NHeads = 2, DimFeedforward = 64, NEncoderLayers = 1,
            NVaeEncoderLayers = 1, LatentDim = 8, VisionBackboneWidth = 8, BatchSize = 16, CropPadding = 0, NumWorkers = 1,
        };
        var reader = new InMemoryDatasetReader(ReachTask.Schema(true), ReachTask.Episodes(4, 16, true));
        using var storm = new GcStorm();
        using var trainer = PolicyTrainer.Create(new ActPolicyFactory(), config, reader, new TrainerOptions { Seed = 1, TotalSteps = 80 });
        // At least 80 steps, and on until enough collections ran beside them, however fast or busy the machine is.
        for (var s = 0; s < 80 || (storm.Collections <= MinCollections && s < 2000); s++)
        {
            var loss = trainer.TrainStep().Loss;
            Assert.True(double.IsFinite(loss), $"step {s + 1}: loss {loss}");
        }
        ExpectGuardWorked(storm);
    }

    [Fact]
    public void Diffusion_samples_identically_while_collections_run_back_to_back()
    {
        var factory = new DiffusionPolicyFactory();
        using var data = new SyntheticDataset(episodes: 2, length: 20);
        var config = GenerativePolicyHarness.Tiny(factory.CreateConfig("small"));
        using var trainer = PolicyTrainer.Create(factory, config, data, new TrainerOptions { TotalSteps = 20, Seed = 5 });
        GenerativePolicyHarness.Train(trainer, 20);
        using var policy = trainer.CreatePolicy();
        var calm = GenerativePolicyHarness.Rollout(policy, data, 20);
        using var storm = new GcStorm();
        // Sample again until enough collections ran beside the sampling, however fast or busy the machine is.
        for (var round = 0; round == 0 || (storm.Collections <= MinCollections && round < 100); round++)
        {
            var stormy = GenerativePolicyHarness.Rollout(policy, data, 20);
            for (var i = 0; i < calm.Count; i++) Assert.Equal(calm[i], stormy[i]);
        }
        ExpectGuardWorked(storm);
    }

    private void ExpectGuardWorked(GcStorm storm)
    {
        var counters = TorchRuntime.ScalarGuardCounters();
        output.WriteLine($"{storm.Collections} collections; scalar guard {TorchRuntime.ScalarGuardStatus}: {counters}");
        Assert.True(storm.Collections > MinCollections, $"only {storm.Collections} collections ran");
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(TorchRuntime.ScalarGuardActive, $"scalar guard: {TorchRuntime.ScalarGuardStatus}");
        Assert.True(counters is { Forwarding: true, Deferred: > 0 }, $"scalar guard counters {counters}");
    }
}
