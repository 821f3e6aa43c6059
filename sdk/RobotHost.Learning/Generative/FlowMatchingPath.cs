using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// The straight conditional path of rectified flow / flow matching (Lipman et al., 2023; Liu et al., 2023):
/// x_t = (1−t)·x₀ + t·x₁ from noise x₀ (t = 0) to data x₁ (t = 1), whose velocity is the constant x₁ − x₀.
/// </summary>
public sealed class FlowMatchingPath
{
    private readonly FlowTimeSampling _timeSampling;
    private readonly double _logitMean;
    private readonly double _logitStd;

    public FlowMatchingPath(FlowTimeSampling timeSampling = FlowTimeSampling.Uniform, double logitMean = 0.0, double logitStd = 1.0)
    {
        if (logitStd <= 0) throw new ArgumentOutOfRangeException(nameof(logitStd), logitStd, "logit-normal std must be positive");
        _timeSampling = timeSampling;
        _logitMean = logitMean;
        _logitStd = logitStd;
    }

    /// <summary>Training times (B,) in (0, 1) on <paramref name="device"/>.</summary>
    public Tensor SampleTimes(long batch, Device? device = null, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var t = _timeSampling switch
        {
            FlowTimeSampling.Uniform => rand(batch, device: device, generator: generator),
            FlowTimeSampling.LogitNormal => sigmoid(randn(batch, device: device, generator: generator) * _logitStd + _logitMean),
            _ => throw new InvalidOperationException($"unknown time sampling {_timeSampling}"),
        };
        return t.MoveToOuterDisposeScope();
    }

    /// <summary>x_t for per-item times (B,).</summary>
    public static Tensor Interpolate(Tensor noise, Tensor data, Tensor times)
    {
        using var scope = NewDisposeScope();
        var t = BroadcastTimes(times, data);
        return ((1 - t) * noise + t * data).MoveToOuterDisposeScope();
    }

    /// <summary>The regression target of the velocity network, x₁ − x₀.</summary>
    public static Tensor TargetVelocity(Tensor noise, Tensor data) => data - noise;

    /// <summary>(B,) → (B, 1, …, 1) to broadcast over a sample of any rank.</summary>
    public static Tensor BroadcastTimes(Tensor times, Tensor like)
    {
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = like.shape[0];
        return times.to_type(like.dtype).reshape(shape);
    }
}
