using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// The DDPM forward process over <see cref="TrainSteps"/> discrete steps: β_t, α_t = 1 − β_t and ᾱ_t = ∏ α_s.
/// Kept in doubles on the CPU (100 numbers); tensors are made per call on the sample's device.
/// </summary>
public sealed class NoiseSchedule
{
    private readonly double[] _betas;
    private readonly double[] _alphasCumprod;

    private NoiseSchedule(double[] betas)
    {
        _betas = betas;
        _alphasCumprod = new double[betas.Length];
        var product = 1.0;
        for (var i = 0; i < betas.Length; i++)
        {
            product *= 1.0 - betas[i];
            _alphasCumprod[i] = product;
        }
    }

    /// <summary>Number of discrete diffusion steps the denoiser is trained on (Diffusion Policy: 100).</summary>
    public int TrainSteps => _betas.Length;

    /// <summary>β_t for t = 0 … T−1.</summary>
    public IReadOnlyList<double> Betas => _betas;

    /// <summary>ᾱ_t for t = 0 … T−1.</summary>
    public IReadOnlyList<double> AlphasCumprod => _alphasCumprod;

    /// <summary>
    /// ᾱ at step <paramref name="t"/>; ᾱ_{−1} = 1 (a clean sample), which makes the last reverse step return the
    /// predicted x₀ (diffusers' <c>set_alpha_to_one</c>).
    /// </summary>
    public double AlphaCumprod(int t) => t < 0 ? 1.0 : _alphasCumprod[t];

    /// <summary>Builds a schedule; β_start/β_end are used by <see cref="BetaSchedule.Linear"/> only.</summary>
    public static NoiseSchedule Create(BetaSchedule schedule, int trainSteps, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        if (trainSteps < 1) throw new ArgumentOutOfRangeException(nameof(trainSteps), trainSteps, "at least one diffusion step");
        var betas = new double[trainSteps];
        switch (schedule)
        {
            case BetaSchedule.Linear:
                for (var i = 0; i < trainSteps; i++)
                    betas[i] = trainSteps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * i / (trainSteps - 1);
                break;
            case BetaSchedule.SquaredCosine:
                static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
                for (var i = 0; i < trainSteps; i++)
                    betas[i] = Math.Min(1 - AlphaBar((i + 1.0) / trainSteps) / AlphaBar((double)i / trainSteps), 0.999);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "unknown beta schedule");
        }
        return new NoiseSchedule(betas);
    }

    /// <summary>Forward process q(x_t | x_0): √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, with one integer step per batch item (B,).</summary>
    public Tensor AddNoise(Tensor clean, Tensor noise, Tensor steps)
    {
        using var scope = NewDisposeScope();
        var alphaBar = tensor(Array.ConvertAll(_alphasCumprod, a => (float)a), device: clean.device)
            .index_select(0, steps.to_type(int64).to(clean.device));
        var shape = new long[clean.dim()];
        Array.Fill(shape, 1L);
        shape[0] = clean.shape[0];
        alphaBar = alphaBar.reshape(shape).to_type(clean.dtype);
        return (alphaBar.sqrt() * clean + (1 - alphaBar).sqrt() * noise).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The inference steps T−1 … 0 visited with <paramref name="inferenceSteps"/> evaluations, "leading" spacing
    /// (diffusers default): t_k = k·⌊T/N⌋ for k = N−1 … 0, so 100 train / 10 inference steps visits 90, 80, …, 0.
    /// </summary>
    public int[] InferenceTimesteps(int inferenceSteps)
    {
        if (inferenceSteps < 1 || inferenceSteps > TrainSteps)
            throw new ArgumentOutOfRangeException(nameof(inferenceSteps), inferenceSteps, $"between 1 and the {TrainSteps} training steps");
        var ratio = TrainSteps / inferenceSteps;
        return Enumerable.Range(0, inferenceSteps).Select(k => k * ratio).Reverse().ToArray();
    }
}
