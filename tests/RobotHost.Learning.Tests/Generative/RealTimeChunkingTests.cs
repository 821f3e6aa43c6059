using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;
using RobotHost.Plugins.Policies.Diffusion;
using RobotHost.Plugins.Policies.FlowMatching;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>Inference-time real-time chunking of flow and diffusion: the soft mask, the exact frozen prefix, and keeping the executing mode.</summary>
public sealed class RealTimeChunkingTests
{
    private static readonly FlowMatchingPolicyFactory Factory = new();
    private static readonly DiffusionPolicyFactory DiffusionFactory = new();

    [Fact]
    public void Soft_mask_is_one_over_the_frozen_prefix_then_decays_to_zero_at_the_end_of_the_overlap()
    {
        var exp = new RealTimeChunkingConfig().Weights(frozen: 2, overlapEnd: 6, total: 8);
        Assert.Equal([1f, 1f], exp[..2]);
        Assert.Equal([0f, 0f], exp[6..]);
        for (var i = 2; i < 6; i++) Assert.InRange(exp[i], 0.0001f, exp[i - 1] - 0.0001f);
        // c = (6 − 2) / (6 − 2 + 1) = 0.8 at the first overlap action: 0.8 · (e^0.8 − 1) / (e − 1).
        Assert.Equal(0.8 * (Math.Exp(0.8) - 1) / (Math.E - 1), exp[2], 5);
        var linear = new RealTimeChunkingConfig { MaskSchedule = "linear" }.Weights(2, 6, 8);
        Assert.Equal([1f, 1f, 0.8f, 0.6f, 0.4f, 0.2f, 0f, 0f], linear);
        Assert.Equal([1f, 1f, 0f, 0f], new RealTimeChunkingConfig { MaskSchedule = "zeros" }.Weights(2, 3, 4));
        Assert.Contains(new RealTimeChunkingConfig { MaskSchedule = "cosine", MaxGuidanceWeight = 0 }.Validate(), p => p.Contains("rtc_mask_schedule"));
        Assert.Contains(new RealTimeChunkingConfig { MaxGuidanceWeight = 0 }.Validate(), p => p.Contains("rtc_max_guidance_weight"));
    }

    /// <summary>A tiny untrained model of each sampler, and of each family trained with committed prefixes.</summary>
    public static TheoryData<string> Samplers => ["flow_euler", "diffusion_ddim", "diffusion_ddpm", "flow_conditioning", "diffusion_conditioning"];

    private static GenerativePolicyModel TinyModel(string kind, SyntheticDataset data, int trainingMaxDelay = 0)
    {
        if (kind.EndsWith("_conditioning")) trainingMaxDelay = 3;
        if (kind.StartsWith("flow"))
        {
            var flow = GenerativePolicyHarness.Tiny(Factory.CreateConfig("small")) with { NumInferenceSteps = 4, RtcTrainingMaxDelay = trainingMaxDelay };
            return (GenerativePolicyModel)Factory.CreateModel(flow, Factory.SelectFeatures(flow, data.Schema));
        }
        var diffusion = GenerativePolicyHarness.Tiny(DiffusionFactory.CreateConfig("small")) with
        {
            NoiseScheduler = kind == "diffusion_ddpm" ? "ddpm" : "ddim",
            NumInferenceSteps = 4,
            RtcTrainingMaxDelay = trainingMaxDelay,
        };
        return (GenerativePolicyModel)DiffusionFactory.CreateModel(diffusion, DiffusionFactory.SelectFeatures(diffusion, data.Schema));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Guided_chunk_starts_with_exactly_the_executing_actions_and_differs_from_the_unguided_one(string kind)
    {
        using var data = new SyntheticDataset(episodes: 2, length: 20);
        using var model = TinyModel(kind, data);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var observation = new PolicyBatch { Size = 1, State = zeros(1, model.ObservationSteps, 2) };
        var previous = linspace(-0.9, 0.9, 2 * 5).view(1, 5, 2).to(float32);
        model.ReseedSampling(3);
        var chunk = model.PredictActionChunk(observation, new ActionPrefix(previous, Frozen: 3));
        model.ReseedSampling(3);
        var unguided = model.PredictActionChunk(observation);
        Assert.Equal([1L, model.ChunkLength, 2L], chunk.shape);
        Assert.True(chunk.narrow(1, 0, 3).equal(previous.narrow(1, 0, 3)).all().item<bool>());
        Assert.False(chunk.narrow(1, 3, 1).equal(previous.narrow(1, 3, 1)).all().item<bool>());
        // The same noise without a prefix: the actions after the frozen ones were steered (or conditioned) by it.
        Assert.False(chunk.narrow(1, 3, 2).allclose(unguided.narrow(1, 3, 2), rtol: 0, atol: 1e-6), $"{kind}: the prefix changed nothing after the frozen actions");
        Assert.True(model.SupportsGuidance);
        Assert.Equal(kind.EndsWith("_conditioning") ? "conditioning" : "guidance", model.RealTimeChunkingMethod);
    }

    /// <summary>
    /// The two-mode toy task for each prediction form: the exact network of its family, and how guidance enters it.
    /// Diffusion runs DDIM, the deterministic sampler of the form; DDPM's fresh noise at every step can still flip a
    /// guided chunk's mode now and then (one episode of four here), which this test would not tolerate.
    /// </summary>
    public static TheoryData<string> ToySamplers => ["flow_euler", "diffusion_ddim"];

    private static readonly NoiseSchedule ToySchedule = NoiseSchedule.Create(BetaSchedule.SquaredCosine, 100);

    private static (IActionSampler Sampler, DenoisingNetwork Field, IGuidedPrediction Form) ToySampler(string kind) => kind switch
    {
        "flow_euler" => (new EulerSampler(10), TwoModeVelocity, FlowVelocity.Instance),
        _ => (new DdimSampler(ToySchedule, 10), TwoModeNoise, new NoisePrediction(ToySchedule)),
    };

    [Theory]
    [MemberData(nameof(ToySamplers))]
    public void Two_mode_chunks_keep_the_executing_mode_with_guidance_and_naive_switching_changes_mode_mid_motion(string kind)
    {
        // The exact network of two modes of chunks: steer +0.8 for the whole chunk, or −0.8 (left or right round an obstacle).
        const int length = 8, horizon = 3, delay = 2, chunks = 10, episodes = 4;
        using var threads = TorchRuntime.UseThreads(1);
        var (sampler, field, form) = ToySampler(kind);
        var rtc = new RealTimeChunkingConfig { ExecutionHorizon = horizon };
        var naiveSwitches = 0;
        for (var episode = 0; episode < episodes; episode++)
        {
            var naive = Execute(sampler, field, form, rtc, guided: false, length, horizon, delay, chunks, seed: episode);
            var guided = Execute(sampler, field, form, rtc, guided: true, length, horizon, delay, chunks, seed: episode);
            Assert.Equal(chunks * horizon, guided.Count);
            Assert.True(guided.All(a => Math.Sign(a) == Math.Sign(guided[0])), $"{kind}, episode {episode}: guided chunks changed mode: {string.Join(" ", guided.Select(a => a.ToString("F2")))}");
            if (naive.Any(a => Math.Sign(a) != Math.Sign(naive[0]))) naiveSwitches++;
        }
        Assert.True(naiveSwitches > 0, $"{kind}: without guidance a new chunk should sometimes pick the other mode");
    }

    [Fact]
    public void Diffusion_guidance_weight_is_one_over_the_noise_variance_clipped_at_beta_and_enters_the_noise_negatively()
    {
        var form = new NoisePrediction(ToySchedule);
        var noisy = 1 - ToySchedule.AlphaCumprod(90);
        Assert.Equal(-Math.Sqrt(noisy) / noisy, form.CorrectionScale(90, 5), 9);
        // Nearly clean: 1/(1 − ᾱ) is far above β, so the weight is β.
        Assert.Equal(-Math.Sqrt(1 - ToySchedule.AlphaCumprod(0)) * 5, form.CorrectionScale(0, 5), 9);
    }

    /// <summary>
    /// Asynchronous execution at the sampler level: each chunk executes <paramref name="horizon"/> actions, then the
    /// next inference starts; the <paramref name="delay"/> actions after that still come from the executing chunk, and
    /// the new chunk takes over at its action <paramref name="delay"/>. Returns the executed actions.
    /// </summary>
    private static List<float> Execute(IActionSampler sampler, DenoisingNetwork field, IGuidedPrediction form, RealTimeChunkingConfig rtc, bool guided,
        int length, int horizon, int delay, int chunks, int seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)(1000 + seed));
        var executed = new List<float>();
        float[]? current = null;
        for (var k = 0; k < chunks; k++)
        {
            var network = field;
            if (guided && current is not null)
            {
                var target = zeros(1, length, 1);
                var left = current[horizon..];
                target.narrow(1, 0, left.Length).copy_(tensor(left, [1, left.Length, 1]));
                var weights = tensor(rtc.Weights(delay, length - horizon, length), [1, length, 1]);
                network = PrefixGuidance.Guide(field, target, weights, rtc.MaxGuidanceWeight, form);
            }
            var sample = sampler.Sample(network, randn([1, length, 1], generator: generator), generator).flatten().data<float>().ToArray();
            if (current is not null) executed.AddRange(current[horizon..(horizon + delay)]);
            executed.AddRange(sample[(current is null ? 0 : delay)..horizon]);
            current = sample;
        }
        return executed;
    }

    /// <summary>E[x₁ − x₀ | x_t] for x₁ one of two constant chunks ±0.8 (σ = 0.05 each), x₀ standard normal, x_t = t·x₁ + (1 − t)·x₀.</summary>
    private static Tensor TwoModeVelocity(Tensor x, Tensor time)
    {
        using var scope = NewDisposeScope();
        var t = time.view(-1, 1, 1);
        var (data, noise) = TwoModePosterior(x, t, 1 - t);
        return (data - noise).MoveToOuterDisposeScope();
    }

    /// <summary>E[ε | x_t] for the same two modes, x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε at step t of the toy schedule.</summary>
    private static Tensor TwoModeNoise(Tensor x, Tensor time)
    {
        using var scope = NewDisposeScope();
        var alphaBar = tensor(time.data<float>().ToArray().Select(t => (float)ToySchedule.AlphaCumprod((int)t)).ToArray()).view(-1, 1, 1);
        var (_, noise) = TwoModePosterior(x, alphaBar.sqrt(), (1 - alphaBar).sqrt());
        return noise.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The posterior means of the clean chunk and of the noise given x = a·clean + b·noise, for a clean chunk of the two
    /// modes ±0.8 (σ = 0.05 each) and standard-normal noise.
    /// </summary>
    private static (Tensor Data, Tensor Noise) TwoModePosterior(Tensor x, Tensor a, Tensor b)
    {
        const double std = 0.05;
        var variance = a * a * std * std + b * b;
        Tensor LogWeight(double mean) => -((x - a * mean).pow(2) / (2 * variance)).sum([1, 2]);
        var weights = softmax(stack([LogWeight(-0.8), LogWeight(0.8)]), 0).view(2, -1, 1, 1);
        Tensor DataMean(double mean) => mean + a * std * std / variance * (x - a * mean);
        Tensor NoiseMean(double mean) => b / variance * (x - a * mean);
        return (weights[0] * DataMean(-0.8) + weights[1] * DataMean(0.8), weights[0] * NoiseMean(-0.8) + weights[1] * NoiseMean(0.8));
    }
}
