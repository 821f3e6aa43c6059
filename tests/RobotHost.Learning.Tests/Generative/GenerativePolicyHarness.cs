using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Training;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>
/// What both generative policies must do, run through the real trainer, checkpoint files and runtime: the loss
/// falls on a tiny dataset, and a saved-and-loaded policy samples exactly what the trained one samples.
/// </summary>
internal static class GenerativePolicyHarness
{
    /// <summary>A CPU-tiny version of a preset: narrow U-Net, short horizon, no warm-up, no EMA lag.</summary>
    public static T Tiny<T>(T preset) where T : GenerativePolicyConfig => preset with
    {
        DownDims = [16, 32],
        StepEmbedDim = 16,
        Horizon = 8,
        NActionSteps = 4,
        SpatialKeypoints = 4,
        VisionBackboneWidth = 4,
        BatchSize = 16,
        Lr = 3e-3,
        WarmupSteps = 0,
        Scheduler = "constant",
        UseEma = false,
        NumWorkers = 1,
    };

    /// <summary>Trains <paramref name="steps"/> steps; returns mean loss of the first and last 20 steps.</summary>
    public static (double First, double Last) Train(PolicyTrainer trainer, int steps)
    {
        var losses = new List<double>();
        for (var i = 0; i < steps; i++) losses.Add(trainer.TrainStep().Loss);
        return (losses.Take(20).Average(), losses.TakeLast(20).Average());
    }

    /// <summary>
    /// Trains <paramref name="config"/> on <paramref name="data"/> for <paramref name="steps"/> steps, checks the loss fell
    /// by more than <paramref name="factor"/>× and the model saw <paramref name="cameras"/> cameras, then that a saved and
    /// loaded checkpoint samples exactly what the trained policy samples.
    /// </summary>
    public static void OverfitsAndReloadsIdentically(ITrainablePolicyFactory factory, PolicyConfig config, SyntheticDataset data,
        int steps, long seed, double factor, int cameras, string what)
    {
        using var trainer = PolicyTrainer.Create(factory, config, data, new TrainerOptions { TotalSteps = steps, Seed = seed });
        Assert.Equal(cameras, trainer.Model.Features.Images.Count);
        var (first, last) = Train(trainer, steps);
        Assert.True(last < first / factor, $"{what}: {first:F3} → {last:F3}");
        AssertSaveLoadSamplesIdentically(factory, trainer, data);
    }

    /// <summary>Actions of one episode replayed from the dataset's observations, after a reset.</summary>
    public static List<float[]> Rollout(IPolicy policy, SyntheticDataset data, int ticks, long seed = 11)
    {
        TorchSharp.torch.manual_seed(seed);   // an episode's seed, as the evaluator sets it
        policy.Reset();
        return Enumerable.Range(0, ticks).Select(i => policy.SelectAction(data.ObservationAt(i))).ToList();
    }

    /// <summary>Saves, loads through the factory, and checks the loaded policy samples exactly as the trained one.</summary>
    public static void AssertSaveLoadSamplesIdentically(ITrainablePolicyFactory factory, PolicyTrainer trainer, SyntheticDataset data)
    {
        var output = RepoPaths.NewTempDirectory("robothost-generative");
        try
        {
            var checkpoint = trainer.SaveCheckpoint(output);
            using var trained = trainer.CreatePolicy();
            using var loaded = factory.Load(output, new GenerativeTestContext(output));
            Assert.Equal(factory.PolicyType, loaded.Info.PolicyType);
            Assert.True(File.Exists(Path.Combine(checkpoint, "model.safetensors")));

            var expected = Rollout(trained, data, 12);
            var actual = Rollout(loaded, data, 12);
            for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
            // Reset reseeds the sampling noise from the episode's seed: the same seed again gives the same actions,
            // another seed other samples (so episodes of a multimodal policy do not all pick the same mode).
            var again = Rollout(loaded, data, 12);
            for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i], again[i]);
            var other = Rollout(loaded, data, 12, seed: 12);
            Assert.Contains(Enumerable.Range(0, expected.Count), i => !expected[i].SequenceEqual(other[i]));
            Assert.All(actual, a => Assert.All(a, v => Assert.True(float.IsFinite(v))));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
