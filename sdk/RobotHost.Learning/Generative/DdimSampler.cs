using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// DDIM sampling (Song et al., 2021, eq. 12) with an ε-predicting network: the same trained model, a few large
/// steps. η = 0 is deterministic given the initial noise (Diffusion Policy's usual 10-step inference). When x₀ is
/// clipped, ε is re-derived from the clipped x₀ so the step stays consistent (diffusers' use_clipped_model_output);
/// <c>clippedModelOutput: false</c> keeps the network's ε, as diffusers' DDIMScheduler.step does by default (and
/// LeRobot's Diffusion Policy with it).
/// </summary>
public sealed class DdimSampler : IActionSampler
{
    private readonly NoiseSchedule _schedule;
    private readonly int[] _timesteps;
    private readonly double? _clipSample;
    private readonly double _eta;
    private readonly bool _clippedModelOutput;

    public DdimSampler(NoiseSchedule schedule, int inferenceSteps, double? clipSample = 1.0, double eta = 0.0, bool clippedModelOutput = true)
    {
        _clippedModelOutput = clippedModelOutput;
        if (eta < 0) throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be ≥ 0");
        _schedule = schedule;
        _timesteps = schedule.InferenceTimesteps(inferenceSteps);
        _clipSample = clipSample;
        _eta = eta;
    }

    public int NetworkEvaluations => _timesteps.Length;

    public Tensor Sample(DenoisingNetwork network, Tensor noise, Generator? generator = null, StepNoise? stepNoise = null)
    {
        var sample = noise.clone();
        var stride = _schedule.TrainSteps / _timesteps.Length;
        foreach (var t in _timesteps)
        {
            using var scope = NewDisposeScope();
            var alphaBar = _schedule.AlphaCumprod(t);
            var alphaBarPrev = _schedule.AlphaCumprod(t - stride);

            var epsilon = network(sample, full(sample.shape[0], (float)t, device: sample.device));
            var predictedClean = (sample - Math.Sqrt(1 - alphaBar) * epsilon) / Math.Sqrt(alphaBar);
            if (_clipSample is { } clip)
            {
                predictedClean = predictedClean.clamp(-clip, clip);
                if (_clippedModelOutput) epsilon = (sample - Math.Sqrt(alphaBar) * predictedClean) / Math.Sqrt(1 - alphaBar);
            }

            // σ_t(η) of eq. 16; η = 1 recovers DDPM's variance.
            var sigma = _eta * Math.Sqrt((1 - alphaBarPrev) / (1 - alphaBar) * (1 - alphaBar / alphaBarPrev));
            var next = Math.Sqrt(alphaBarPrev) * predictedClean
                     + Math.Sqrt(Math.Max(1 - alphaBarPrev - sigma * sigma, 0)) * epsilon;
            if (sigma > 0)
                next += sigma * StepNoises.Draw(stepNoise, sample, generator);
            sample.Dispose();
            sample = next.MoveToOuterDisposeScope();
        }
        return sample;
    }
}
