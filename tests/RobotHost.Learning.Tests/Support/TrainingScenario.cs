using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Training;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using Xunit.Abstractions;

namespace RobotHost.Learning.Tests.Support;

/// <summary>
/// The acceptance run shared by every trainable policy: train a tiny model on the reach task, checkpoint near the end,
/// and check (1) the loss fell at least 10×, (2) the saved checkpoint loads into a policy that acts exactly like the
/// trained one, (3) a run resumed from the earlier checkpoint reproduces the uninterrupted losses step for step.
/// </summary>
internal static class TrainingScenario
{
    public static void Run(ITrainablePolicyFactory factory, PolicyConfig config, IDatasetReader reader, bool images, int steps, ITestOutputHelper output, int resumeSteps = 8)
    {
        var outDir = RepoPaths.NewTempDirectory("robothost-train");
        var options = new TrainerOptions { Seed = 11, TotalSteps = steps };
        var losses = new List<double>();
        string resumePoint;
        string final;
        var resumeAt = steps - resumeSteps;
        using (var trainer = PolicyTrainer.Create(factory, config, reader, options))
        {
            resumePoint = "";
            for (var s = 0; s < steps; s++)
            {
                losses.Add(trainer.TrainStep().Loss);
                if (trainer.Step == resumeAt) resumePoint = trainer.SaveCheckpoint(outDir);
            }
            final = trainer.SaveCheckpoint(outDir);
            output.WriteLine($"{factory.PolicyType} images={images}: loss {losses[0]:F4} → {losses.TakeLast(10).Average():F4} in {steps} steps; data wait {trainer.DataWaitFraction:P1}");

            var start = losses.Take(3).Average();
            var end = losses.TakeLast(10).Average();
            Assert.True(end * 10 <= start, $"loss fell only from {start:F4} to {end:F4}");

            // Save → load gives identical actions (and `last` points at the newest checkpoint).
            Assert.Equal(Path.GetFullPath(final), PolicyCheckpoint.Resolve(outDir));
            Assert.Equal(factory.PolicyType, PolicyCheckpoint.ReadPolicyType(final));
            using var live = trainer.CreatePolicy();
            using var loaded = factory.Load(final, new TestPluginContext());
            Assert.Equal(live.Info.ActionFeature.Key, loaded.Info.ActionFeature.Key);
            Assert.Equal(live.Info.ActionFeature.Shape, loaded.Info.ActionFeature.Shape);
            Assert.Equal(live.Info.ActionFeature.Names, loaded.Info.ActionFeature.Names);
            var episode = Enumerable.Range((int)reader.Episodes[1].FromIndex, reader.Episodes[1].Length).Select(i => reader.GetFrame(i)).ToList();
            live.Reset();
            loaded.Reset();
            var error = 0.0;
            foreach (var frame in episode)
            {
                var observation = ReachTask.Observation(frame, images);
                var a = live.SelectAction(observation);
                var b = loaded.SelectAction(observation);
                Assert.Equal(a, b);
                error += Math.Abs(a[0] - frame.Values[FeatureKeys.Action][0]) + Math.Abs(a[1] - frame.Values[FeatureKeys.Action][1]);
            }
            output.WriteLine($"mean |action error| over episode 1: {error / episode.Count / 2:F4} (goal at ±0.8)");
        }

        // Resume continues the loss curve where it stopped.
        using var resumed = PolicyTrainer.Resume(factory, resumePoint, reader);
        Assert.Equal(resumeAt, resumed.Step);
        for (var s = resumeAt; s < steps; s++)
        {
            var loss = resumed.TrainStep().Loss;
            // The first resumed step must match exactly (same weights, batch and optimizer state). After it, libtorch's
            // multithreaded CPU convolution backward is not bit-deterministic, so image models drift by a fraction of a percent.
            var tolerance = s == resumeAt || !images ? 1e-5 : 2e-2;
            Assert.True(Math.Abs(loss - losses[s]) <= tolerance * Math.Max(1, Math.Abs(losses[s])), $"step {s + 1}: resumed loss {loss} vs uninterrupted {losses[s]}");
        }
        Directory.Delete(outDir, recursive: true);
    }
}
