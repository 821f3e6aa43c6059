using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Training;

/// <summary>
/// Exponential moving average of a model's parameters and buffers (Diffusion Policy uses it for evaluation), with
/// diffusers' EMAModel warm-up: decay = min(max_decay, 1 − (1 + step)^−power).
/// </summary>
public sealed class WeightEma : IDisposable
{
    private readonly Dictionary<string, Tensor> _live;
    private readonly Dictionary<string, Tensor> _average;
    private readonly double _power;
    private readonly double _maxDecay;

    /// <summary>Starts the average at the model's current weights.</summary>
    public WeightEma(nn.Module model, double power, double maxDecay)
    {
        _live = model.state_dict();
        _average = _live.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        (_power, _maxDecay) = (power, maxDecay);
    }

    /// <summary>The averaged tensors by state-dict name.</summary>
    public IReadOnlyDictionary<string, Tensor> Average => _average;

    /// <summary>Decay at <paramref name="step"/>.</summary>
    public double Decay(long step) => Math.Max(0, Math.Min(_maxDecay, 1 - Math.Pow(1 + step, -_power)));

    /// <summary>Blends the live weights in after optimiser step <paramref name="step"/>.</summary>
    public void Update(long step)
    {
        var decay = Decay(step);
        using var noGrad = no_grad();
        foreach (var (name, average) in _average)
        {
            var live = _live[name];
            if (live.is_floating_point()) average.mul_(decay).add_(live, alpha: 1 - decay);
            else average.copy_(live);
        }
    }

    /// <summary>Restores a saved average.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> saved)
    {
        using var noGrad = no_grad();
        foreach (var (name, average) in _average)
            if (saved.TryGetValue(name, out var value)) average.copy_(value);
    }

    /// <summary>Frees the averaged copies.</summary>
    public void Dispose()
    {
        foreach (var t in _average.Values) t.Dispose();
    }
}
