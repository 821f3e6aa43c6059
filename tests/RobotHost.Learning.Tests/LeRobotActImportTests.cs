using System.Text.Json.Nodes;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Tests.Support;
using RobotHost.Plugins.Policies.Act;
using RobotHost.Sdk;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests;

/// <summary>
/// A LeRobot ACT checkpoint imported into RobotHost gives LeRobot's actions: the fixtures hold what LeRobot's
/// modeling_act.py returned (Fixtures/lerobot_act/generate_fixtures.py); the test rebuilds the LeRobot folder
/// (weights from the fixture's formula), imports it, loads it through <see cref="ActPolicyFactory.Load"/> and compares.
/// </summary>
public sealed class LeRobotActImportTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// Largest difference allowed, as a multiple of LeRobot's own float32 rounding error (its float32 result against the
    /// same model in float64, 3e-5…1e-4 action units here): the import must be as exact as float32 arithmetic allows.
    /// </summary>
    private const double RoundingFactor = 3;

    /// <summary>And never more than this, in action units (degrees for the SO-101) after unnormalisation.</summary>
    private const double AbsoluteTolerance = 5e-4;

    private readonly string _root = Directory.CreateTempSubdirectory("robothost-lerobot-act-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("act_default")]        // LeRobot's defaults (d_model 512, ff 3200, 4+1 layers, VAE), 96×96 camera, processor stats
    [InlineData("act_prenorm_legacy")] // pre-norm, GELU, 2 decoder layers, 2 cameras with own stats, min-max, temporal ensembling, legacy stats
    [InlineData("act_no_vae")]         // no VAE, images not normalised (IDENTITY)
    public void Imported_checkpoint_gives_LeRobots_actions(string name)
    {
        var fixture = LeRobotActFixture.Load(name);
        var source = fixture.WritePretrainedFolder(Path.Combine(_root, "pretrained_model"));
        string[] joints = ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"];
        string? dataset = null;
        if (name == "act_default")
        {
            // The --dataset path: joint names and fps from the training dataset's meta/info.json.
            dataset = Path.Combine(_root, "dataset");
            Directory.CreateDirectory(Path.Combine(dataset, "meta"));
            var names = new JsonArray(joints.Select(j => (JsonNode)JsonValue.Create(j)!).ToArray());
            File.WriteAllText(Path.Combine(dataset, "meta", "info.json"), new JsonObject
            {
                ["codebase_version"] = "v3.0",
                ["fps"] = 30,
                ["features"] = new JsonObject
                {
                    ["observation.state"] = new JsonObject { ["dtype"] = "float32", ["shape"] = new JsonArray(6), ["names"] = names.DeepClone() },
                    ["action"] = new JsonObject { ["dtype"] = "float32", ["shape"] = new JsonArray(6), ["names"] = names.DeepClone() },
                },
            }.ToJsonString());
        }

        var factory = new ActPolicyFactory();
        var report = factory.ImportLeRobot(new LeRobotImportRequest { Source = source, Output = Path.Combine(_root, "imported"), DatasetRoot = dataset, Fps = dataset is null ? 30 : null });
        foreach (var note in report.Notes) output.WriteLine($"note: {note}");
        Directory.Delete(source, recursive: true); // the import must not depend on the source afterwards

        // The ordinary loading path: config.json → ActConfig, strict weights, normalization.json → PolicyRuntime.
        using var policy = (PolicyRuntime)factory.Load(report.Output, new TestPluginContext());
        var stateNames = policy.Model.Features.State?.Names ?? Enumerable.Range(0, 6).Select(i => $"s{i}").ToList();
        if (name == "act_default") Assert.Equal(joints, stateNames);
        var observations = fixture.Observations(stateNames);

        // 1. Whole chunks, straight from the model (inputs normalised as the runtime does), against LeRobot's predict_action_chunk.
        var normalizer = FeatureNormalizer.Load(report.Output);
        double chunkDiff = 0, exactDiff = 0;
        for (var o = 0; o < observations.Count; o++)
        {
            var chunk = PredictChunk(policy, normalizer, observations[o]);
            Assert.Equal(fixture.ChunkSize, chunk.Length);
            chunkDiff = Math.Max(chunkDiff, MaxAbsDiff(fixture.Chunks[o], chunk));
            exactDiff = Math.Max(exactDiff, MaxAbsDiff(fixture.ChunksFloat64[o], chunk));
        }

        // 2. select_action through the runtime (queue or temporal ensembling), against LeRobot's select_action.
        policy.Reset();
        var (index, actions) = fixture.SelectAction;
        double selectDiff = 0;
        for (var t = 0; t < index.Length; t++)
            selectDiff = Math.Max(selectDiff, MaxAbsDiff([actions[t]], [policy.SelectAction(observations[index[t]])]));

        var scale = fixture.Chunks.SelectMany(c => c).SelectMany(a => a).Max(v => Math.Abs((double)v));
        var bound = Math.Min(AbsoluteTolerance, RoundingFactor * fixture.LeRobotFloat32Error);
        output.WriteLine($"{name}: {report.Parameters:N0} parameters, actions up to {scale:F1}; max |Δ| vs LeRobot: chunk {chunkDiff:E2}, select_action {selectDiff:E2}; " +
                         $"vs LeRobot in float64 {exactDiff:E2} (LeRobot float32 itself: {fixture.LeRobotFloat32Error:E2}); bound {bound:E2}");
        Assert.True(chunkDiff <= bound, $"{name}: chunk differs from LeRobot by {chunkDiff:E3} > {bound:E2}");
        Assert.True(selectDiff <= bound, $"{name}: select_action differs from LeRobot by {selectDiff:E3} > {bound:E2}");
        Assert.True(exactDiff <= bound, $"{name}: chunk differs from LeRobot's float64 result by {exactDiff:E3} > {bound:E2}");
    }

    [Fact]
    public void Name_mapping_follows_LeRobots_module_layout()
    {
        Assert.Equal("encoder.2.self_attn.in_proj_weight", LeRobotActImporter.MapName("encoder.layers.2.self_attn.in_proj_weight"));
        Assert.Equal("vae_encoder.0.linear1.bias", LeRobotActImporter.MapName("vae_encoder.layers.0.linear1.bias"));
        Assert.Equal("decoder_norm.weight", LeRobotActImporter.MapName("decoder.norm.weight"));
        Assert.Equal("encoder_norm.bias", LeRobotActImporter.MapName("encoder.norm.bias"));
        Assert.Equal("backbone.layer2.0.downsample.1.running_var", LeRobotActImporter.MapName("backbone.layer2.0.downsample.1.running_var"));
        Assert.Equal("encoder_img_feat_input_proj.weight", LeRobotActImporter.MapName("encoder_img_feat_input_proj.weight"));
    }

    [Fact]
    public void Missing_or_invalid_folders_give_clear_errors()
    {
        var factory = new ActPolicyFactory();
        var outDir = Path.Combine(_root, "out");
        string Import(string from) => Assert.Throws<RobotHostException>(() => factory.ImportLeRobot(new LeRobotImportRequest { Source = from, Output = outDir })).Message;

        Assert.Contains("does not exist", Import(Path.Combine(_root, "nowhere")));

        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.Contains("no config.json", Import(empty));

        var noWeights = Directory.CreateDirectory(Path.Combine(_root, "no_weights")).FullName;
        var config = LeRobotActFixture.Load("act_no_vae").Config;
        File.WriteAllText(Path.Combine(noWeights, "config.json"), config.ToJsonString());
        Assert.Contains("no model.safetensors", Import(noWeights));

        var notJson = Directory.CreateDirectory(Path.Combine(_root, "not_json")).FullName;
        File.WriteAllText(Path.Combine(notJson, "config.json"), "{ not json");
        Assert.Contains("not a JSON object", Import(notJson));

        // Unsupported settings name the field and the fix, before any weights are read.
        string Unsupported(Action<JsonObject> edit)
        {
            var dir = Path.Combine(_root, "unsupported_" + Guid.NewGuid().ToString("N")[..6]);
            Directory.CreateDirectory(dir);
            var c = config.DeepClone().AsObject();
            edit(c);
            File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJsonString());
            File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), new byte[16]);
            return Import(dir);
        }
        Assert.Contains("vision_backbone", Unsupported(c => c["vision_backbone"] = "resnet34"));
        Assert.Contains("replace_final_stride_with_dilation", Unsupported(c => c["replace_final_stride_with_dilation"] = true));
        Assert.Contains("feedforward_activation", Unsupported(c => c["feedforward_activation"] = "glu"));
        var env = Unsupported(c => c["input_features"]!["observation.environment_state"] = new JsonObject { ["type"] = "ENV", ["shape"] = new JsonArray(4) });
        Assert.Contains("observation.environment_state", env);
        Assert.Contains("environment-state", env);
        Assert.Contains("'diffusion'", Unsupported(c => c["type"] = "diffusion"));

        // A RobotHost checkpoint is not a LeRobot folder.
        var ours = Directory.CreateDirectory(Path.Combine(_root, "ours")).FullName;
        File.WriteAllText(Path.Combine(ours, "config.json"), "{\"policy_type\": \"act\"}");
        Assert.Contains("already a RobotHost checkpoint", Import(ours));
    }

    [Fact]
    public void Missing_statistics_are_reported()
    {
        var fixture = LeRobotActFixture.Load("act_no_vae");
        var source = fixture.WritePretrainedFolder(Path.Combine(_root, "pretrained_model"));
        foreach (var f in Directory.GetFiles(source, "policy_*")) File.Delete(f);
        var error = Assert.Throws<RobotHostException>(() => new ActPolicyFactory().ImportLeRobot(new LeRobotImportRequest { Source = source, Output = Path.Combine(_root, "out") }));
        Assert.Contains("no normalisation statistics", error.Message);
        Assert.False(File.Exists(Path.Combine(_root, "out", PolicyCheckpoint.ModelFile)));
    }

    /// <summary>The model's chunk for one observation, normalised and unnormalised as <see cref="PolicyRuntime"/> does.</summary>
    internal static float[][] PredictChunk(PolicyRuntime policy, FeatureNormalizer normalizer, Observation observation)
    {
        var f = policy.Model.Features;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? state = null;
        if (f.State is not null)
        {
            var values = f.State.Names is { } names ? observation.ToVector(names) : observation.Values.Values.ToArray();
            normalizer.Normalize(f.State.Key, values);
            state = tensor(values, [1, 1, values.Length]);
        }
        var images = new Dictionary<string, Tensor>();
        for (var i = 0; i < f.Images.Count; i++)
        {
            var (h, w) = f.ImageSize(i);
            var chw = new float[3 * h * w];
            Data.ImageTensors.ToChw(observation.Images[PolicyFeatures.CameraName(f.Images[i])], chw, h, w);
            images[f.Images[i].Key] = tensor(chw, [1, 1, 3, h, w]);
        }
        var chunk = policy.Model.PredictActionChunk(new PolicyBatch { State = state, Images = images, Size = 1 }).contiguous();
        var (steps, dim) = ((int)chunk.shape[1], (int)chunk.shape[2]);
        var flat = chunk.data<float>().ToArray();
        return Enumerable.Range(0, steps).Select(s =>
        {
            var action = flat.AsSpan(s * dim, dim).ToArray();
            normalizer.Unnormalize(f.Action.Key, action);
            return action;
        }).ToArray();
    }

    /// <summary>Largest |expected − actual| over two action chunks of the same shape.</summary>
    internal static double MaxAbsDiff(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (var j = 0; j < expected[i].Length; j++) max = Math.Max(max, Math.Abs((double)expected[i][j] - actual[i][j]));
        }
        return max;
    }
}
