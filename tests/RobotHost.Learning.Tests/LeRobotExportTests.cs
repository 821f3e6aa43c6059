using System.Text.Json.Nodes;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Generative;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Tests.Support;
using RobotHost.Plugins.Policies.Act;
using RobotHost.Plugins.Policies.Diffusion;
using RobotHost.Sdk;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests;

/// <summary>
/// <c>policy export-lerobot</c> in reverse of the import tests: a RobotHost checkpoint (imported from a LeRobot fixture)
/// is exported; the exported model.safetensors must be LeRobot's state dict — the names, shapes and dtypes LeRobot's
/// own model has (recorded in the fixture) and bit-for-bit the fixture's weights — the processor files must carry the
/// statistics, and importing the export again must give the same actions as the checkpoint and as LeRobot.
/// </summary>
public sealed class LeRobotExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("robothost-lerobot-export-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("act_prenorm_legacy", "lerobot_act")] // pre-norm with the VAE encoder's final norm, GELU, two cameras with own stats, MIN_MAX
    [InlineData("act_no_vae", "lerobot_act")]         // no VAE, images IDENTITY
    [InlineData("diffusion_ddpm", "lerobot_diffusion")] // BatchNorm ResNet18 with num_batches_tracked, SpatialSoftmax pos_grid, MIN_MAX
    public void Export_is_LeRobots_layout_and_reimports_to_the_same_actions(string name, string folder)
    {
        var fixture = LeRobotActFixture.Load(name, folder);
        var diffusion = folder == "lerobot_diffusion";
        ILeRobotPolicyImporter factory = diffusion ? new DiffusionPolicyFactory() : new ActPolicyFactory();
        var source = fixture.WritePretrainedFolder(Path.Combine(_root, "lerobot"));
        var original = factory.ImportLeRobot(new LeRobotImportRequest { Source = source, Output = Path.Combine(_root, "original"), Fps = 30 }).Output;
        Directory.Delete(source, recursive: true);

        var report = factory.ExportLeRobot(new LeRobotExportRequest { Checkpoint = original, Output = Path.Combine(_root, "exported") });
        foreach (var note in report.Notes) output.WriteLine($"note: {note}");

        // 1. model.safetensors is LeRobot's state dict: every name, shape and dtype, and the fixture's values exactly.
        var expected = fixture.Root["state_dict"]!.AsArray()
            .Where(e => !LeRobotPretrained.IsLegacyNormalizationBuffer(e!["name"]!.GetValue<string>()))
            .ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!);
        var exported = Safetensors.Load(Path.Combine(report.Output, "model.safetensors"));
        try
        {
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), exported.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(expected.Count, report.Tensors);
            double computedDiff = 0;
            foreach (var (key, entry) in expected)
            {
                var t = exported[key];
                var shape = entry["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                Assert.Equal(shape, t.shape);
                Assert.Equal(entry["dtype"]!.GetValue<string>() == "int64" ? ScalarType.Int64 : ScalarType.Float32, t.dtype);
                if (t.dtype != ScalarType.Float32) continue;
                var values = t.contiguous().data<float>().ToArray();
                var want = fixture.Values(key, shape);
                if (key.EndsWith("vae_encoder_pos_enc", StringComparison.Ordinal) || key.EndsWith("pos_grid", StringComparison.Ordinal))
                    computedDiff = Math.Max(computedDiff, values.Zip(want, (a, b) => Math.Abs((double)a - b)).Max());
                else
                    Assert.True(want.SequenceEqual(values), $"{key}: exported values differ from LeRobot's");
            }
            output.WriteLine($"{name}: {exported.Count} tensors as LeRobot names them; recomputed fixed tables differ from LeRobot's by {computedDiff:E1}");
            Assert.True(computedDiff <= 1e-6, $"recomputed buffers differ from LeRobot's by {computedDiff:E2}");
        }
        finally
        {
            foreach (var t in exported.Values) t.Dispose();
        }

        // 2. config.json and the processor files: LeRobot's type, features, the fixture's statistics in its modes.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(report.Output, "config.json")))!.AsObject();
        Assert.Equal(fixture.Config["type"]!.GetValue<string>(), config["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(fixture.Config["input_features"], config["input_features"]), config["input_features"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(fixture.Config["output_features"], config["output_features"]));
        var fields = LeRobotConfigFields(fixture.Config["type"]!.GetValue<string>());
        var unknown = config.Select(kv => kv.Key).Where(k => k != "type" && !fields.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, $"config.json fields LeRobot's config does not have: {string.Join(", ", unknown)}");
        var pre = JsonNode.Parse(File.ReadAllText(Path.Combine(report.Output, LeRobotExport.PreprocessorFile)))!;
        Assert.Equal(["rename_observations_processor", "to_batch_processor", "device_processor", "normalizer_processor"],
            pre["steps"]!.AsArray().Select(s => s!["registry_name"]!.GetValue<string>()));
        var stats = Safetensors.Load(Path.Combine(report.Output, LeRobotExport.PreprocessorStateFile));
        try
        {
            var mapping = config["normalization_mapping"]!.AsObject();
            foreach (var key in new[] { "observation.state", "action" })
            {
                var mode = mapping[key == "action" ? "ACTION" : "STATE"]!.GetValue<string>();
                Assert.Equal(fixture.Config["normalization_mapping"]![key == "action" ? "ACTION" : "STATE"]!.GetValue<string>(), mode);
                foreach (var stat in mode == "MEAN_STD" ? new[] { "mean", "std" } : ["min", "max"])
                    Assert.Equal(fixture.Root["stats"]![key]![stat]!.AsArray().Select(v => (float)v!.GetValue<double>()), stats[$"{key}.{stat}"].data<float>().ToArray());
            }
        }
        finally
        {
            foreach (var t in stats.Values) t.Dispose();
        }

        // 3. import(export(x)) acts as x, and as LeRobot.
        var reimported = factory.ImportLeRobot(new LeRobotImportRequest { Source = report.Output, Output = Path.Combine(_root, "reimported"), Fps = 30 }).Output;
        var (before, after) = diffusion ? (DiffusionChunks(fixture, original), DiffusionChunks(fixture, reimported)) : (ActChunks(fixture, original), ActChunks(fixture, reimported));
        var roundTrip = before.Zip(after, LeRobotActImportTests.MaxAbsDiff).Max();
        var lerobot = fixture.Chunks.Zip(after, (e, a) => LeRobotActImportTests.MaxAbsDiff(e.Take(a.Length).ToArray(), a.Take(e.Length).ToArray())).Max();
        output.WriteLine($"{name}: max |Δ| import(export(x)) vs x {roundTrip:E2}; vs LeRobot {lerobot:E2}");
        Assert.True(roundTrip <= 1e-6, $"round trip changes the actions by {roundTrip:E3}");
        Assert.True(lerobot <= 5e-4, $"the round-tripped policy differs from LeRobot by {lerobot:E3}");
    }

    [Fact]
    public void Settings_LeRobot_cannot_express_name_the_field()
    {
        var fixture = LeRobotActFixture.Load("act_no_vae");
        var checkpoint = new ActPolicyFactory().ImportLeRobot(new LeRobotImportRequest
        {
            Source = fixture.WritePretrainedFolder(Path.Combine(_root, "lerobot")), Output = Path.Combine(_root, "checkpoint"), Fps = 30,
        }).Output;
        string Refused(string field, JsonNode value)
        {
            var path = Path.Combine(checkpoint, PolicyCheckpoint.ConfigFile);
            var original = File.ReadAllText(path);
            var c = JsonNode.Parse(original)!.AsObject();
            c[field] = value;
            File.WriteAllText(path, c.ToJsonString());
            try
            {
                return Assert.Throws<RobotHostException>(() => new ActPolicyFactory().ExportLeRobot(new LeRobotExportRequest { Checkpoint = checkpoint, Output = Path.Combine(_root, "out") })).Message;
            }
            finally
            {
                File.WriteAllText(path, original);
            }
        }
        Assert.Contains("vision_backbone_stages = 3", Refused("vision_backbone_stages", 3));
        Assert.Contains("image_keypoints = 8", Refused("image_keypoints", 8));
        var message = Refused("backbone_norm", "GroupNorm");
        Assert.Contains("backbone_norm = GroupNorm", message);
        Assert.Contains("--set backbone_norm=BatchNorm", message);
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
        Assert.Contains("'act' checkpoint, not 'diffusion'", Assert.Throws<RobotHostException>(() =>
            new DiffusionPolicyFactory().ExportLeRobot(new LeRobotExportRequest { Checkpoint = checkpoint, Output = Path.Combine(_root, "out") })).Message);
    }

    [Fact]
    public void Name_tables_read_both_ways()
    {
        Assert.Equal("encoder.layers.2.self_attn.in_proj_weight", LeRobotActImporter.Names.ToLeRobot("encoder.2.self_attn.in_proj_weight"));
        Assert.Equal("vae_encoder.norm.weight", LeRobotActImporter.Names.ToLeRobot("vae_encoder_norm.weight"));
        Assert.Equal("backbone.layer1.0.conv1.weight", LeRobotActImporter.Names.ToLeRobot("backbone.layer1.0.conv1.weight"));
        Assert.Equal("unet.down_modules.1.1.conv2.block.1.bias", LeRobotDiffusionImporter.Names.ToLeRobot("unet.down.1.second.conv2.norm.bias"));
        Assert.Equal("unet.final_conv.0.block.0.weight", LeRobotDiffusionImporter.Names.ToLeRobot("unet.finalBlock.conv.weight"));
        Assert.Equal("rgb_encoder.1.backbone.6.0.downsample.1.weight", LeRobotDiffusionImporter.Names.ToLeRobot("image_encoders.1.backbone.layer3.0.downsample.1.weight"));
        Assert.Equal("rgb_encoder.0.out.bias", LeRobotDiffusionImporter.Names.ToLeRobot("image_encoders.0.out_proj.bias"));
        Assert.Throws<RobotHostException>(() => new LeRobotNameMap(("a.", "b."), ("b.", "c.")).ToLeRobotChecked("b.x"));
    }

    /// <summary>Field names of LeRobot's config dataclass (PreTrainedConfig + the policy's), read from LeRobot's source by the fixture generator.</summary>
    internal static HashSet<string> LeRobotConfigFields(string type)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "lerobot_export", "lerobot_config_fields.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        return root["policies"]![type]!.AsObject().Select(kv => kv.Key).Concat(root["base"]!.AsObject().Select(kv => kv.Key)).ToHashSet();
    }

    private static List<float[][]> ActChunks(LeRobotActFixture fixture, string checkpoint)
    {
        using var policy = (PolicyRuntime)new ActPolicyFactory().Load(checkpoint, new TestPluginContext());
        var stateNames = Enumerable.Range(0, policy.Model.Features.StateDim).Select(i => $"s{i}").ToList();
        var normalizer = FeatureNormalizer.Load(checkpoint);
        return fixture.Observations(stateNames).Select(o => LeRobotActImportTests.PredictChunk(policy, normalizer, o)).ToList();
    }

    private static List<float[][]> DiffusionChunks(LeRobotActFixture fixture, string checkpoint)
    {
        using var policy = (PolicyRuntime)new DiffusionPolicyFactory().Load(checkpoint, new TestPluginContext());
        var model = (DiffusionModel)policy.Model;
        var normalizer = FeatureNormalizer.Load(checkpoint);
        var (horizon, nObs) = (fixture.Config["horizon"]!.GetValue<int>(), fixture.Config["n_obs_steps"]!.GetValue<int>());
        var actionDim = model.Features.ActionDim;
        var draws = fixture.Root["step_noise_draws"]!.GetValue<int>();
        var chunks = new List<float[][]>();
        var windows = fixture.Root["windows"]!.AsArray();
        for (var w = 0; w < windows.Count; w++)
        {
            using var scope = NewDisposeScope();
            var prefix = $"{fixture.Name}.window{w}";
            var initial = tensor(LeRobotActFixture.Gaussian($"{prefix}.initial", horizon * actionDim), [1, horizon, actionDim]);
            var steps = Enumerable.Range(0, draws).Select(k => tensor(LeRobotActFixture.Gaussian($"{prefix}.step{k}", horizon * actionDim), [1, horizon, actionDim])).ToList();
            model.InjectedNoise = new InjectedNoise(initial, steps);
            chunks.Add(LeRobotDiffusionImportTests.PredictChunk(model, normalizer, fixture, windows[w]!.AsArray(), nObs));
            model.InjectedNoise = null;
        }
        return chunks;
    }
}
