using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// Ancestral DDPM sampling with an ε-predicting network (Ho et al., 2020, Alg. 2), posterior variance
/// β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t ("fixed_small"), with the predicted x₀ optionally clipped to ±ClipSample as
/// Diffusion Policy does for actions normalised to [−1, 1]. With fewer inference steps than training steps it
/// jumps between the <see cref="NoiseSchedule.InferenceTimesteps"/> as diffusers' DDPMScheduler does.
/// </summary>
public sealed class DdpmSampler : IActionSampler
{
    private readonly NoiseSchedule _schedule;
    private readonly int[] _timesteps;
    private readonly double? _clipSample;

    public DdpmSampler(NoiseSchedule schedule, int inferenceSteps, double? clipSample = 1.0)
    {
        _schedule = schedule;
        _timesteps = schedule.InferenceTimesteps(inferenceSteps);
        _clipSample = clipSample;
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
            var alpha = alphaBar / alphaBarPrev;
            var beta = 1 - alpha;

            var epsilon = network(sample, full(sample.shape[0], (float)t, device: sample.device));
            var predictedClean = (sample - Math.Sqrt(1 - alphaBar) * epsilon) / Math.Sqrt(alphaBar);
            if (_clipSample is { } clip) predictedClean = predictedClean.clamp(-clip, clip);

            // Posterior mean μ̃_t(x_t, x₀) (Ho et al., eq. 7).
            var next = Math.Sqrt(alphaBarPrev) * beta / (1 - alphaBar) * predictedClean
                     + Math.Sqrt(alpha) * (1 - alphaBarPrev) / (1 - alphaBar) * sample;
            if (t > 0)
            {
                var variance = Math.Max((1 - alphaBarPrev) / (1 - alphaBar) * beta, 1e-20);
                next += Math.Sqrt(variance) * StepNoises.Draw(stepNoise, sample, generator);
            }
            sample.Dispose();
            sample = next.MoveToOuterDisposeScope();
        }
        return sample;
    }
}
