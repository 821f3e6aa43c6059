using RobotHost.Learning.Generative;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Generative;

/// <summary>
/// The multimodality argument, measured: trained on demonstrations that go left 30% and right 70% of the time, a
/// diffusion or flow model samples both modes in those proportions while an MSE point estimate (what the MLP policy
/// learns) lands between them — into the obstacle.
/// </summary>
public sealed class LearnedTwoGaussianTests
{
    private static readonly TwoGaussianTarget Target = new(-1.0, 1.0, 0.7, 0.05);
    private const int Batch = 256;
    private const int TrainSteps = 1500;
    private const int Samples = 2000;
    private const double Tolerance = 0.1; // the acceptance band: proportions ±10 %

    private static void AssertBothModes(Tensor samples)
    {
        var (left, right) = Target.ModeFractions(samples);
        Assert.InRange(left, 0.3 - Tolerance, 0.3 + Tolerance);
        Assert.InRange(right, 0.7 - Tolerance, 0.7 + Tolerance);
        Assert.True(left + right > 0.9, $"{1 - left - right:P1} of samples fell between the modes");
    }

    private static Tensor Sample(IActionSampler sampler, DenoisingNetwork network)
    {
        using var generator = new Generator(11);
        var noise = randn([Samples, 1], generator: generator);
        using (no_grad()) return sampler.Sample(network, noise, generator);
    }

    [Fact]
    public void Diffusion_samples_both_modes_where_the_mse_point_estimate_lands_between_them()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var schedule = NoiseSchedule.Create(BetaSchedule.SquaredCosine, 100);
        using var denoiser = new TinyDenoiser();
        var (first, last) = denoiser.Train(TrainSteps, generator =>
        {
            var clean = Target.Sample(Batch, generator);
            var noise = randn(clean.shape, generator: generator);
            var steps = randint(0, schedule.TrainSteps, [Batch], generator: generator);
            var predicted = denoiser.forward(schedule.AddNoise(clean, noise, steps), steps.to_type(float32));
            return nn.functional.mse_loss(predicted, noise);
        }, seed: 1);
        Assert.True(last < first, $"ε-loss did not fall: {first:F3} → {last:F3}");

        AssertBothModes(Sample(new DdpmSampler(schedule, 100, clipSample: 1.5), denoiser.AsNetwork()));
        AssertBothModes(Sample(new DdimSampler(schedule, 10, clipSample: 1.5), denoiser.AsNetwork()));

        // The MLP's answer: same data, MSE on the action itself, nothing to tell the modes apart.
        var pointEstimate = TrainPointEstimate();
        Assert.InRange(pointEstimate, Target.Mean - 0.15, Target.Mean + 0.15);
        Assert.True(Math.Abs(pointEstimate - Target.LeftMean) > 0.5 && Math.Abs(pointEstimate - Target.RightMean) > 0.4,
            $"point estimate {pointEstimate:F2} should sit between the modes");
    }

    [Fact]
    public void Flow_matching_samples_both_modes_with_euler_and_midpoint()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var path = new FlowMatchingPath(FlowTimeSampling.LogitNormal);
        using var velocity = new TinyDenoiser();
        const double timeScale = 100; // same embedding range as the diffusion step index
        var (first, last) = velocity.Train(TrainSteps, generator =>
        {
            var data = Target.Sample(Batch, generator);
            var noise = randn(data.shape, generator: generator);
            var t = path.SampleTimes(Batch, generator: generator);
            var predicted = velocity.forward(FlowMatchingPath.Interpolate(noise, data, t), t * timeScale);
            return nn.functional.mse_loss(predicted, FlowMatchingPath.TargetVelocity(noise, data));
        }, seed: 2);
        Assert.True(last < first, $"velocity loss did not fall: {first:F3} → {last:F3}");

        AssertBothModes(Sample(new EulerSampler(10), velocity.AsNetwork(timeScale)));
        AssertBothModes(Sample(new MidpointSampler(5), velocity.AsNetwork(timeScale)));
    }

    private static double TrainPointEstimate()
    {
        manual_seed(3);
        using var mlp = nn.Sequential(nn.Linear(1, 64), nn.ReLU(), nn.Linear(64, 1));
        using var optimizer = optim.Adam(mlp.parameters(), lr: 1e-2);
        using var generator = new Generator(3);
        for (var step = 0; step < 300; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var observation = ones(Batch, 1); // the same situation every time: obstacle ahead
            nn.functional.mse_loss(mlp.forward(observation), Target.Sample(Batch, generator)).backward();
            optimizer.step();
        }
        using (no_grad()) return mlp.forward(ones(1, 1)).item<float>();
    }
}
