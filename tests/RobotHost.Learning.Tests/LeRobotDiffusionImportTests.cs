using System.Text.Json.Nodes;
using RobotHost.Learning.Generative;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Learning.Tests.Support;
using RobotHost.Plugins.Policies.Diffusion;
using RobotHost.Sdk;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests;

/// <summary>
/// A LeRobot Diffusion Policy checkpoint imported into RobotHost gives LeRobot's actions for the same observation window
/// and the same sampling noise: the fixtures hold what LeRobot's modeling_diffusion.py returned
/// (Fixtures/lerobot_diffusion/generate_fixtures.py, DDPM with 100 steps and DDIM with 10); the test rebuilds the LeRobot
/// folder (weights from the formula), imports it, loads it through <see cref="DiffusionPolicyFactory"/>, injects the
/// fixture's noise and compares.
/// </summary>
public sealed class LeRobotDiffusionImportTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// Largest difference allowed, as a multiple of LeRobot's own float32 rounding error (float32 against float64, about
    /// 1.1e-4 action units here). 4 rather than ACT's 3: diffusers keeps the noise schedule in float32 and RobotHost in
    /// float64, a rounding LeRobot's float64 run does not see, compounded over DDPM's 100 steps.
    /// </summary>
    private const double RoundingFactor = 4;

    /// <summary>And never more than this, in action units after unnormalisation.</summary>
    private const double AbsoluteTolerance = 5e-4;

    private readonly string _root = Directory.CreateTempSubdirectory("robothost-lerobot-diffusion-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("diffusion_ddpm")] // LeRobot's DDPM (100 steps, per-step noise), BatchNorm ResNet18, no crop, processor stats
    [InlineData("diffusion_ddim")] // DDIM-10, linear betas, GroupNorm, shared encoder for two cameras, odd-margin crop, bias-only FiLM, legacy stats
    public void Imported_checkpoint_gives_LeRobots_actions(string name)
    {
        var fixture = LeRobotActFixture.Load(name, "lerobot_diffusion");
        var source = fixture.WritePretrainedFolder(Path.Combine(_root, "pretrained_model"));
        var factory = new DiffusionPolicyFactory();
        var report = factory.ImportLeRobot(new LeRobotImportRequest { Source = source, Output = Path.Combine(_root, "imported"), Fps = 30 });
        foreach (var note in report.Notes) output.WriteLine($"note: {note}");
        Directory.Delete(source, recursive: true); // the import must not depend on the source afterwards

        using var policy = (PolicyRuntime)factory.Load(report.Output, new TestPluginContext());
        var model = (DiffusionModel)policy.Model;
        var normalizer = FeatureNormalizer.Load(report.Output);
        var config = fixture.Config;
        var (horizon, nObs, nAction) = (config["horizon"]!.GetValue<int>(), config["n_obs_steps"]!.GetValue<int>(), config["n_action_steps"]!.GetValue<int>());
        var actionDim = model.Features.ActionDim;
        var draws = fixture.Root["step_noise_draws"]!.GetValue<int>();
        var windows = fixture.Root["windows"]!.AsArray();
        Assert.NotEmpty(windows);

        double diff = 0, exactDiff = 0;
        for (var w = 0; w < windows.Count; w++)
        {
            using var scope = NewDisposeScope();
            var prefix = $"{name}.window{w}";
            var initial = tensor(LeRobotActFixture.Gaussian($"{prefix}.initial", horizon * actionDim), [1, horizon, actionDim]);
            var steps = Enumerable.Range(0, draws).Select(k => tensor(LeRobotActFixture.Gaussian($"{prefix}.step{k}", horizon * actionDim), [1, horizon, actionDim])).ToList();
            var injected = new InjectedNoise(initial, steps);
            model.InjectedNoise = injected;
            var chunk = PredictChunk(model, normalizer, fixture, windows[w]!.AsArray(), nObs);
            model.InjectedNoise = null;
            Assert.Equal(0, injected.Remaining); // the sampler drew exactly as many step noises as LeRobot's scheduler
            var expected = Chunk(fixture.Root["chunks"]![w]!);
            Assert.Equal(nAction, expected.Length);
            diff = Math.Max(diff, LeRobotActImportTests.MaxAbsDiff(expected, chunk.Take(nAction).ToArray()));
            exactDiff = Math.Max(exactDiff, LeRobotActImportTests.MaxAbsDiff(Chunk(fixture.Root["chunks_float64"]![w]!), chunk.Take(nAction).ToArray()));
        }
        var floor = fixture.LeRobotFloat32Error;
        var bound = Math.Min(AbsoluteTolerance, RoundingFactor * floor);
        output.WriteLine($"{name}: {report.Parameters:N0} parameters; max |Δ| vs LeRobot {diff:E2}, vs LeRobot in float64 {exactDiff:E2} (LeRobot float32 itself: {floor:E2}); bound {bound:E2}");
        Assert.True(diff <= bound, $"{name}: actions differ from LeRobot by {diff:E3} > {bound:E2}");
        Assert.True(exactDiff <= bound, $"{name}: actions differ from LeRobot's float64 result by {exactDiff:E3} > {bound:E2}");
    }

    [Fact]
    public void Name_mapping_follows_LeRobots_module_layout()
    {
        Assert.Equal(["unet.stepEncoder.expand.weight"], LeRobotDiffusionImporter.MapName("diffusion.unet.diffusion_step_encoder.1.weight", 1, false));
        Assert.Equal(["unet.down.1.second.conv2.norm.bias"], LeRobotDiffusionImporter.MapName("diffusion.unet.down_modules.1.1.conv2.block.1.bias", 1, false));
        Assert.Equal(["unet.up.0.resample.weight"], LeRobotDiffusionImporter.MapName("diffusion.unet.up_modules.0.2.weight", 1, false));
        Assert.Equal(["unet.middle.0.condProjection.weight"], LeRobotDiffusionImporter.MapName("diffusion.unet.mid_modules.0.cond_encoder.1.weight", 1, false));
        Assert.Equal(["unet.finalBlock.conv.weight"], LeRobotDiffusionImporter.MapName("diffusion.unet.final_conv.0.block.0.weight", 1, false));
        Assert.Equal(["image_encoders.1.backbone.layer3.0.downsample.1.weight"], LeRobotDiffusionImporter.MapName("diffusion.rgb_encoder.1.backbone.6.0.downsample.1.weight", 2, false));
        Assert.Equal(["image_encoders.0.out_proj.bias", "image_encoders.1.out_proj.bias"], LeRobotDiffusionImporter.MapName("diffusion.rgb_encoder.out.bias", 2, true));
        Assert.Empty(LeRobotDiffusionImporter.MapName("diffusion.rgb_encoder.0.pool.pos_grid", 1, false));
    }

    [Fact]
    public void Unsupported_settings_name_the_field()
    {
        var config = LeRobotActFixture.Load("diffusion_ddim", "lerobot_diffusion").Config;
        string Unsupported(Action<JsonObject> edit)
        {
            var dir = Path.Combine(_root, "unsupported_" + Guid.NewGuid().ToString("N")[..6]);
            Directory.CreateDirectory(dir);
            var c = config.DeepClone().AsObject();
            edit(c);
            File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJsonString());
            File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), new byte[16]);
            return Assert.Throws<RobotHostException>(() => new DiffusionPolicyFactory().ImportLeRobot(new LeRobotImportRequest { Source = dir, Output = Path.Combine(_root, "out") })).Message;
        }
        Assert.Contains("prediction_type", Unsupported(c => c["prediction_type"] = "sample"));
        Assert.Contains("resize_shape", Unsupported(c => c["resize_shape"] = new JsonArray(96, 96)));
        Assert.Contains("vision_backbone", Unsupported(c => c["vision_backbone"] = "resnet34"));
        Assert.Contains("beta_schedule", Unsupported(c => c["beta_schedule"] = "scaled_linear"));
        Assert.Contains("n_groups", Unsupported(c => c["n_groups"] = 4));
        Assert.Contains("observation.environment_state", Unsupported(c => c["input_features"]!["observation.environment_state"] = new JsonObject { ["type"] = "ENV", ["shape"] = new JsonArray(4) }));
        Assert.Contains("'act'", Unsupported(c => c["type"] = "act"));
    }

    /// <summary>RobotHost's chunk for one observation window, inputs normalised and actions unnormalised as the runtime does.</summary>
    internal static float[][] PredictChunk(DiffusionModel model, FeatureNormalizer normalizer, LeRobotActFixture fixture, JsonArray window, int nObs)
    {
        var f = model.Features;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var stateNames = Enumerable.Range(0, f.StateDim).Select(i => $"s{i}").ToList();
        var observations = Enumerable.Range(0, window.Count).Select(i => ObservationOf(fixture, window[i]!.AsObject(), stateNames)).ToList();
        Assert.Equal(nObs, observations.Count);
        var state = new float[nObs * f.StateDim];
        for (var t = 0; t < nObs; t++)
        {
            var values = observations[t].ToVector(stateNames);
            normalizer.Normalize(f.State!.Key, values);
            values.CopyTo(state, t * f.StateDim);
        }
        var images = new Dictionary<string, Tensor>();
        for (var i = 0; i < f.Images.Count; i++)
        {
            var (h, w) = f.ImageSize(i);
            var chw = new float[nObs * 3 * h * w];
            for (var t = 0; t < nObs; t++)
            {
                var frame = new float[3 * h * w];
                Data.ImageTensors.ToChw(observations[t].Images[PolicyFeatures.CameraName(f.Images[i])], frame, h, w);
                frame.CopyTo(chw, t * frame.Length);
            }
            images[f.Images[i].Key] = tensor(chw, [1, nObs, 3, h, w]);
        }
        var chunk = model.PredictActionChunk(new PolicyBatch { State = tensor(state, [1, nObs, f.StateDim]), Images = images, Size = 1 }).contiguous();
        var (steps, dim) = ((int)chunk.shape[1], (int)chunk.shape[2]);
        var flat = chunk.data<float>().ToArray();
        return Enumerable.Range(0, steps).Select(s =>
        {
            var action = flat.AsSpan(s * dim, dim).ToArray();
            normalizer.Unnormalize(f.Action.Key, action);
            return action;
        }).ToArray();
    }

    private static Observation ObservationOf(LeRobotActFixture fixture, JsonObject frame, IReadOnlyList<string> stateNames)
    {
        var values = new Dictionary<string, float>();
        var images = new Dictionary<string, CameraFrame>();
        foreach (var (key, value) in frame)
        {
            if (value is JsonArray array)
            {
                var v = array.Select(x => (float)x!.GetValue<double>()).ToArray();
                for (var i = 0; i < v.Length; i++) values[stateNames[i]] = v[i];
                continue;
            }
            var shape = fixture.Config["input_features"]![key]!["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
            var rgb = Convert.FromBase64String(value!["uint8_hwc_base64"]!.GetValue<string>());
            images[key["observation.images.".Length..]] = new CameraFrame(shape[2], shape[1], rgb, 0, 0);
        }
        return new Observation { Values = values, Images = images };
    }

    private static float[][] Chunk(JsonNode node) => node.AsArray().Select(a => a!.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray()).ToArray();
}
