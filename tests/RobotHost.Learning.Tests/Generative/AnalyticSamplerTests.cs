using RobotHost.Learning.Generative;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>
/// Samplers driven by the exact denoiser / velocity of a two-Gaussian target (30% at −1, 70% at +1): whatever error
/// remains is the sampler's own, so proportions are checked tightly.
/// </summary>
public sealed class AnalyticSamplerTests
{
    private static readonly TwoGaussianTarget Target = new(-1.0, 1.0, 0.7, 0.05);
    private const int Samples = 4000;

    private static DenoisingNetwork ExactEpsilon(NoiseSchedule schedule) => (x, t) =>
    {
        var step = (int)t[0].item<float>();
        var alphaBar = schedule.AlphaCumprod(step);
        return Target.PosteriorMeans(x, Math.Sqrt(alphaBar), Math.Sqrt(1 - alphaBar)).Noise;
    };

    private static DenoisingNetwork ExactVelocity() => (x, t) =>
    {
        var time = t[0].item<float>();
        var (data, noise) = Target.PosteriorMeans(x, time, 1 - time);
        return data - noise;
    };

    private static Tensor Run(IActionSampler sampler, DenoisingNetwork network, int seed)
    {
        using var generator = new Generator((ulong)seed);
        var noise = randn([Samples, 1], generator: generator);
        using (no_grad()) return sampler.Sample(network, noise, generator);
    }

    private static void AssertBothModes(Tensor samples, double tolerance)
    {
        var (left, right) = Target.ModeFractions(samples);
        Assert.InRange(left, 0.3 - tolerance, 0.3 + tolerance);
        Assert.InRange(right, 0.7 - tolerance, 0.7 + tolerance);
        Assert.True(left + right > 0.97, $"{1 - left - right:P1} of samples fell between the modes");
    }

    // Ho et al.'s linear 1e-4 → 0.02 schedule is meant for T = 1000: at T = 100 it leaves ᾱ_T ≈ 0.37, the prior is
    // not pure noise and the modes come out biased; squared-cosine reaches pure noise at any T (Diffusion Policy's 100).
    [Theory]
    [InlineData(BetaSchedule.SquaredCosine, 100)]
    [InlineData(BetaSchedule.Linear, 1000)]
    public void Ddpm_with_all_steps_reproduces_both_modes_and_their_width(BetaSchedule kind, int trainSteps)
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Create(kind, trainSteps);
        var samples = Run(new DdpmSampler(schedule, trainSteps, clipSample: null), ExactEpsilon(schedule), 1);
        AssertBothModes(samples, 0.03);
        var right = samples.flatten()[samples.flatten() > 0];
        Assert.InRange(right.mean().item<float>(), 0.97, 1.03);
        Assert.InRange(right.std().item<float>(), 0.03, 0.08);
    }

    [Fact]
    public void Ddim_ten_steps_reproduces_both_modes_and_is_deterministic_given_the_noise()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Create(BetaSchedule.SquaredCosine, 100);
        var sampler = new DdimSampler(schedule, 10, clipSample: 1.5);
        var first = Run(sampler, ExactEpsilon(schedule), 2);
        AssertBothModes(first, 0.03);
        Assert.True(first.allclose(Run(sampler, ExactEpsilon(schedule), 2), rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData("euler", 10)]
    [InlineData("midpoint", 5)]
    public void Ode_samplers_carry_noise_to_both_modes(string kind, int steps)
    {
        using var scope = NewDisposeScope();
        IActionSampler sampler = kind == "euler" ? new EulerSampler(steps) : new MidpointSampler(steps);
        AssertBothModes(Run(sampler, ExactVelocity(), 3), 0.03);
    }

    [Fact]
    public void One_euler_step_collapses_to_the_mean_like_a_point_estimate()
    {
        // At t = 0 the noise says nothing about the data, so v(x₀, 0) = E[x₁] − x₀ and one step lands on E[x₁]:
        // why flow policies need several steps to stay multimodal.
        using var scope = NewDisposeScope();
        var samples = Run(new EulerSampler(1), ExactVelocity(), 4);
        Assert.InRange(samples.min().item<float>(), Target.Mean - 0.01, Target.Mean + 0.01);
        Assert.InRange(samples.max().item<float>(), Target.Mean - 0.01, Target.Mean + 0.01);
    }

    [Fact]
    public void Squared_cosine_schedule_follows_the_closed_form_and_noises_to_almost_pure_noise()
    {
        var schedule = NoiseSchedule.Create(BetaSchedule.SquaredCosine, 100);
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        for (var t = 0; t < 99; t++)
            Assert.Equal(AlphaBar((t + 1) / 100.0) / AlphaBar(0), schedule.AlphaCumprod(t), 6);
        Assert.Equal(0.999, schedule.Betas[^1], 9); // the cap: ᾱ would reach 0 at t = T
        Assert.True(schedule.AlphaCumprod(99) < 1e-3);

        var linear = NoiseSchedule.Create(BetaSchedule.Linear, 100);
        Assert.Equal(1e-4, linear.Betas[0], 12);
        Assert.Equal(0.02, linear.Betas[^1], 12);
        Assert.Equal([90, 80, 70, 60, 50, 40, 30, 20, 10, 0], schedule.InferenceTimesteps(10));
    }

    [Fact]
    public void Add_noise_matches_the_forward_process_marginals()
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Create(BetaSchedule.SquaredCosine, 100);
        using var generator = new Generator(5);
        var clean = full([20000, 1], 2.0f);
        var noisy = schedule.AddNoise(clean, randn([20000, 1], generator: generator), full(20000, 50L, dtype: int64));
        var alphaBar = schedule.AlphaCumprod(50);
        Assert.Equal(2 * Math.Sqrt(alphaBar), noisy.mean().item<float>(), 1);
        Assert.Equal(Math.Sqrt(1 - alphaBar), noisy.std().item<float>(), 1);
    }
}
