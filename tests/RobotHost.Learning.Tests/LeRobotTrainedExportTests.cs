using System.Security.Cryptography;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Generative;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Tests.Support;
using RobotHost.Plugins.Policies.Act;
using RobotHost.Plugins.Policies.Diffusion;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests;

/// <summary>
/// LeRobot's own modeling code loads <c>export-lerobot</c> output of RobotHost-trained checkpoints and acts as RobotHost
/// does. Fixtures/lerobot_trained holds the config.json and normalization.json of an ACT and a Diffusion Policy
/// checkpoint trained by <c>robothost train</c> on a recorded pick_place dataset, and what LeRobot's ACTPolicy /
/// DiffusionPolicy returned after loading the export of that checkpoint (weights from the fixture formula) strictly,
/// with its own config decoding and processor statistics (generate_fixtures.py). The test rebuilds the same checkpoint,
/// checks that today's export is byte-for-byte the weights LeRobot loaded, and compares RobotHost's actions with LeRobot's.
/// </summary>
public sealed class LeRobotTrainedExportTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Largest difference allowed in action units (actions span about ±100), the import tests' bound.</summary>
    private const double Tolerance = 5e-4;

    private readonly string _root = Directory.CreateTempSubdirectory("robothost-lerobot-trained-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("act_trained")]       // d_model 64, chunk 10, temporal ensembling 0.1, ResNet18 width 64 / 4 stages, MEAN_STD
    [InlineData("diffusion_trained")] // U-Net 32/64/128, DDIM-10, GroupNorm ResNet18 width 64, 8 keypoints, crop 0.875, MIN_MAX
    public void LeRobot_acts_as_RobotHost_on_the_export_of_a_trained_checkpoint(string name)
    {
        var fixture = LeRobotActFixture.Load(name, "lerobot_trained");
        var diffusion = fixture.Config["type"]!.GetValue<string>() == "diffusion";
        var checkpoint = FormulaCheckpoint(name, diffusion);
        ILeRobotPolicyImporter factory = diffusion ? new DiffusionPolicyFactory() : new ActPolicyFactory();

        var exported = factory.ExportLeRobot(new LeRobotExportRequest { Checkpoint = checkpoint, Output = Path.Combine(_root, "exported") }).Output;
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(exported, "model.safetensors"))));
        Assert.True(sha == fixture.Root["exported_model_sha256"]!.GetValue<string>(),
            $"the export's model.safetensors is not the file LeRobot loaded when the fixture was made; regenerate Fixtures/lerobot_trained (README.md)");

        using var policy = (PolicyRuntime)(diffusion ? new DiffusionPolicyFactory().Load(checkpoint, new TestPluginContext()) : new ActPolicyFactory().Load(checkpoint, new TestPluginContext()));
        var normalizer = FeatureNormalizer.Load(checkpoint);
        var actual = diffusion ? DiffusionChunks(fixture, (DiffusionModel)policy.Model, normalizer) : ActChunks(fixture, policy, normalizer);
        var expected = fixture.Chunks;
        Assert.Equal(3, expected.Length);
        // LeRobot's Diffusion Policy returns the n_action_steps it executes; RobotHost the chunk to the horizon's end.
        var diff = expected.Zip(actual, (e, a) => LeRobotActImportTests.MaxAbsDiff(e, a.Take(e.Length).ToArray())).Max();
        var range = expected.SelectMany(c => c).SelectMany(a => a).Max(Math.Abs);
        output.WriteLine($"{name}: max |Δ| RobotHost vs LeRobot {diff:E2} over {expected.Length} chunks of {expected[0].Length} actions (|action| up to {range:F1})");
        Assert.True(diff <= Tolerance, $"RobotHost's actions differ from LeRobot's on the exported checkpoint by {diff:E3}");
    }

    /// <summary>The committed checkpoint config and statistics with the formula's weights under RobotHost's names, as generate_fixtures.py writes them.</summary>
    private string FormulaCheckpoint(string name, bool diffusion)
    {
        var directory = Path.Combine(_root, "checkpoint");
        Directory.CreateDirectory(directory);
        foreach (var file in new[] { PolicyCheckpoint.ConfigFile, "normalization.json" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "lerobot_trained", name, file), Path.Combine(directory, file));
        var config = PolicyCheckpoint.ReadConfig(directory, diffusion ? typeof(DiffusionConfig) : typeof(ActConfig), out var features);
        using PolicyModel model = diffusion ? new DiffusionModel((DiffusionConfig)config, features) : new ActModel((ActConfig)config, features);
        using (no_grad())
        {
            foreach (var (key, t) in model.state_dict())
            {
                if (t.dtype == ScalarType.Int64) t.zero_();
                else t.copy_(tensor(LeRobotActFixture.WeightFormula(key, t.shape), t.shape));
            }
        }
        ModuleWeights.Save(model, Path.Combine(directory, PolicyCheckpoint.ModelFile));
        return directory;
    }

    private static List<float[][]> ActChunks(LeRobotActFixture fixture, PolicyRuntime policy, FeatureNormalizer normalizer)
    {
        var names = policy.Model.Features.State!.Names!;
        return fixture.Observations(names).Select(o => LeRobotActImportTests.PredictChunk(policy, normalizer, o)).ToList();
    }

    private static List<float[][]> DiffusionChunks(LeRobotActFixture fixture, DiffusionModel model, FeatureNormalizer normalizer)
    {
        var (horizon, nObs) = (fixture.Config["horizon"]!.GetValue<int>(), fixture.Config["n_obs_steps"]!.GetValue<int>());
        var actionDim = model.Features.ActionDim;
        var windows = fixture.Root["windows"]!.AsArray();
        var chunks = new List<float[][]>();
        for (var w = 0; w < windows.Count; w++)
        {
            using var scope = NewDisposeScope();
            var initial = tensor(LeRobotActFixture.Gaussian($"{fixture.Name}.window{w}.initial", horizon * actionDim), [1, horizon, actionDim]);
            model.InjectedNoise = new InjectedNoise(initial, []); // DDIM with η = 0 draws no noise per step
            chunks.Add(LeRobotDiffusionImportTests.PredictChunk(model, normalizer, fixture, windows[w]!.AsArray(), nObs));
            model.InjectedNoise = null;
        }
        return chunks;
    }
}
