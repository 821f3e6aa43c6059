using RobotHost.Learning.Data;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Tests.Support;
using RobotHost.Learning.Training;
using RobotHost.Plugins.Policies.Act;
using RobotHost.Sdk;

namespace RobotHost.Learning.Tests;

public sealed class BatchPipelineTests
{
    private static (InMemoryDatasetReader Reader, ActModel Model, FeatureNormalizer Normalizer) Setup(bool images)
    {
        var reader = new InMemoryDatasetReader(ReachTask.Schema(images), ReachTask.Episodes(3, 12, images));
        var factory = new ActPolicyFactory();
        var config = factory.CreateConfig("small") with { ChunkSize = 5, NActionSteps = 5, DModel = 16, NHeads = 2, DimFeedforward = 16, VisionBackboneWidth = 4 };
        var features = factory.SelectFeatures(config, reader.Schema);
        var model = (ActModel)factory.CreateModel(config, features);
        return (reader, model, FeatureNormalizer.FromStats(reader.Stats, config.NormalizationModes(features)));
    }

    [Fact]
    public void Windows_reach_past_the_episode_end_with_pad_masks_and_normalised_values()
    {
        var (reader, model, normalizer) = Setup(images: false);
        using var _ = model;
        var builder = new BatchBuilder(reader, model, normalizer, batchSize: 64, seed: 1, new ImageAugmentation(0, 0));
        var batch = builder.Build(0);
        for (var s = 0; s < batch.Size; s++)
        {
            var frame = reader.GetFrame(batch.Indices[s]);
            var episode = reader.Episodes[(int)frame.EpisodeIndex];
            for (var t = 0; t < 5; t++)
            {
                var expectedPad = batch.Indices[s] + t >= episode.ToIndex;
                Assert.Equal(expectedPad, batch.ActionIsPad[s * 5 + t]);
                var source = reader.GetFrame(Math.Min(batch.Indices[s] + t, episode.ToIndex - 1)).Values[FeatureKeys.Action].ToArray();
                normalizer.Normalize(FeatureKeys.Action, source);
                Assert.Equal(source[0], batch.Action[(s * 5 + t) * 2], 5);
            }
        }
        Assert.Contains(true, batch.ActionIsPad);
    }

    [Fact]
    public void Batches_depend_only_on_seed_and_step_not_on_worker_count()
    {
        var (reader, model, normalizer) = Setup(images: true);
        using var _ = model;
        var builder = new BatchBuilder(reader, model, normalizer, batchSize: 4, seed: 9, new ImageAugmentation(2, 0.2));
        using var one = new BatchLoader(builder.Build, firstStep: 3, workers: 1, capacity: 2);
        using var three = new BatchLoader(builder.Build, firstStep: 3, workers: 3, capacity: 4);
        for (long step = 3; step < 8; step++)
        {
            var a = one.Take(step);
            var b = three.Take(step);
            Assert.Equal(a.Indices, b.Indices);
            Assert.Equal(a.Images[FeatureKeys.Image("front")].Pixels, b.Images[FeatureKeys.Image("front")].Pixels);
        }
        Assert.NotEqual(builder.Build(3).Indices, builder.Build(4).Indices);
    }

    [Fact]
    public void Augmentation_shifts_and_jitters_but_keeps_size_and_range()
    {
        var frame = ReachTask.Render((0.5f, -0.5f), 32, 0);
        var clean = new float[3 * 32 * 32];
        ImageTensors.ToChw(frame, clean, 32, 32);
        var augmented = (float[])clean.Clone();
        var augmentation = new ImageAugmentation(4, 0.3);
        ImageAugmentation.Apply(new ImageAugmentation.Draw(3, -2, 1.2f, 0.8f, 1.1f), augmented, 32, 32);
        Assert.NotEqual(clean, augmented);
        Assert.All(augmented, v => Assert.InRange(v, 0f, 1f));
        Assert.True(augmentation.IsActive);
    }

    [Fact]
    public void State_noise_perturbs_only_the_state_by_its_sigma_and_is_reproducible()
    {
        var (reader, model, normalizer) = Setup(images: false);
        using var _ = model;
        var clean = new BatchBuilder(reader, model, normalizer, batchSize: 256, seed: 5, new ImageAugmentation(0, 0)).Build(2);
        var noisy = new BatchBuilder(reader, model, normalizer, batchSize: 256, seed: 5, new ImageAugmentation(0, 0), stateNoise: 0.5);
        var a = noisy.Build(2);
        Assert.Equal(clean.Indices, a.Indices); // the noise has its own stream: the same frames are drawn
        Assert.Equal(clean.Action, a.Action);
        Assert.Equal(a.State, noisy.Build(2).State);
        var differences = clean.State!.Zip(a.State!, (x, y) => (double)y - x).ToArray();
        var mean = differences.Average();
        var sigma = Math.Sqrt(differences.Select(d => (d - mean) * (d - mean)).Average());
        Assert.InRange(mean, -0.06, 0.06);
        Assert.InRange(sigma, 0.45, 0.55);
    }

    [Fact]
    public void State_noise_is_validated()
    {
        var config = new ActPolicyFactory().CreateConfig("small");
        Assert.Contains((config with { StateNoise = -1 }).Validate(), p => p.Contains("state_noise must be"));
        Assert.Contains((config with { StateNoise = 0.3, UseState = false }).Validate(), p => p.Contains("state_noise needs use_state"));
        Assert.DoesNotContain((config with { StateNoise = 0.3 }).Validate(), p => p.Contains("state_noise"));
    }

    [Fact]
    public void Step_seeds_are_splitmix64_and_do_not_depend_on_the_process()
    {
        // SplitMix64's published first outputs from state 0 (Vigna's reference splitmix64.c): HashCode.Combine, used
        // before, is randomised per process, so the same --seed drew other batches in every run and after a resume.
        Assert.Equal(0xE220A8397B1DCDAFUL, SeedStreams.Mix(0));
        Assert.Equal(0x6E789E6AA1B965F4UL, SeedStreams.Mix(0x9E3779B97F4A7C15UL));
        Assert.Equal(SeedStreams.Derive(1000, 7, 1), SeedStreams.Derive(1000, 7, 1));
        var seeds = new HashSet<int>();
        for (var step = 0; step < 1000; step++)
            foreach (var stream in new[] { 1, 2 })
                seeds.Add(SeedStreams.Derive(1000, step, stream));
        Assert.Equal(2000, seeds.Count); // no two (step, stream) pairs share a seed here
        Assert.NotEqual(SeedStreams.Derive(1000, 0, 1), SeedStreams.Derive(2000, 0, 1));
    }
}
