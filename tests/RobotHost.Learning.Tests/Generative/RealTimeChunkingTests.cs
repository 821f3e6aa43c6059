using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;
using RobotHost.Plugins.Policies.FlowMatching;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>Inference-time real-time chunking: the soft mask, the exact frozen prefix, and keeping the executing mode.</summary>
public sealed class RealTimeChunkingTests
{
    private static readonly FlowMatchingPolicyFactory Factory = new();

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

    [Fact]
    public void Guided_flow_chunk_starts_with_exactly_the_executing_actions()
    {
        using var data = new SyntheticDataset(episodes: 2, length: 20);
        var config = GenerativePolicyHarness.Tiny(Factory.CreateConfig("small")) with { NumInferenceSteps = 4 };
        using var model = (FlowMatchingModel)Factory.CreateModel(config, Factory.SelectFeatures(config, data.Schema));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var observation = new PolicyBatch { Size = 1, State = zeros(1, config.NObsSteps, 2) };
        var previous = linspace(-0.9, 0.9, 2 * 5).view(1, 5, 2).to(float32);
        model.ReseedSampling(3);
        var chunk = model.PredictActionChunk(observation, new ActionPrefix(previous, Frozen: 3));
        Assert.Equal([1L, model.ChunkLength, 2L], chunk.shape);
        Assert.True(chunk.narrow(1, 0, 3).equal(previous.narrow(1, 0, 3)).all().item<bool>());
        Assert.False(chunk.narrow(1, 3, 1).equal(previous.narrow(1, 3, 1)).all().item<bool>());
        Assert.True(model.SupportsGuidance);
    }

    [Fact]
    public void Two_mode_chunks_keep_the_executing_mode_with_guidance_and_naive_switching_changes_mode_mid_motion()
    {
        // The exact velocity field of two modes of chunks: steer +0.8 for the whole chunk, or −0.8 (left or right round an obstacle).
        const int length = 8, horizon = 3, delay = 2, chunks = 10, episodes = 4;
        using var threads = TorchRuntime.UseThreads(1);
        var sampler = new EulerSampler(10);
        var rtc = new RealTimeChunkingConfig { ExecutionHorizon = horizon };
        var naiveSwitches = 0;
        for (var episode = 0; episode < episodes; episode++)
        {
            var naive = Execute(sampler, rtc, guided: false, length, horizon, delay, chunks, seed: episode);
            var guided = Execute(sampler, rtc, guided: true, length, horizon, delay, chunks, seed: episode);
            Assert.Equal(chunks * horizon, guided.Count);
            Assert.All(guided, a => Assert.Equal(Math.Sign(guided[0]), Math.Sign(a)));
            if (naive.Any(a => Math.Sign(a) != Math.Sign(naive[0]))) naiveSwitches++;
        }
        Assert.True(naiveSwitches > 0, "without guidance a new chunk should sometimes pick the other mode");
    }

    /// <summary>
    /// Asynchronous execution at the sampler level: each chunk executes <paramref name="horizon"/> actions, then the
    /// next inference starts; the <paramref name="delay"/> actions after that still come from the executing chunk, and
    /// the new chunk takes over at its action <paramref name="delay"/>. Returns the executed actions.
    /// </summary>
    private static List<float> Execute(EulerSampler sampler, RealTimeChunkingConfig rtc, bool guided, int length, int horizon, int delay, int chunks, int seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)(1000 + seed));
        DenoisingNetwork field = TwoModeVelocity;
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
                network = PrefixGuidance.Guide(field, target, weights, rtc.MaxGuidanceWeight);
            }
            var sample = sampler.Sample(network, randn([1, length, 1], generator: generator)).flatten().data<float>().ToArray();
            if (current is not null) executed.AddRange(current[horizon..(horizon + delay)]);
            executed.AddRange(sample[(current is null ? 0 : delay)..horizon]);
            current = sample;
        }
        return executed;
    }

    /// <summary>E[x₁ − x₀ | x_t] for x₁ one of two constant chunks ±0.8 (σ = 0.05 each), x₀ standard normal.</summary>
    private static Tensor TwoModeVelocity(Tensor x, Tensor time)
    {
        using var scope = NewDisposeScope();
        var a = time.view(-1, 1, 1);
        var b = 1 - a;
        const double std = 0.05;
        var variance = a * a * std * std + b * b;
        Tensor LogWeight(double mean) => -((x - a * mean).pow(2) / (2 * variance)).sum([1, 2]);
        var weights = softmax(stack([LogWeight(-0.8), LogWeight(0.8)]), 0).view(2, -1, 1, 1);
        Tensor DataMean(double mean) => mean + a * std * std / variance * (x - a * mean);
        Tensor NoiseMean(double mean) => b / variance * (x - a * mean);
        var data = weights[0] * DataMean(-0.8) + weights[1] * DataMean(0.8);
        var noise = weights[0] * NoiseMean(-0.8) + weights[1] * NoiseMean(0.8);
        return (data - noise).MoveToOuterDisposeScope();
    }
}
