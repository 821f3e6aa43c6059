using RobotHost.Learning.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Training;

/// <summary>
/// Adam / AdamW (Kingma &amp; Ba 2015; Loshchilov &amp; Hutter 2019) with parameter groups, written out so that its
/// whole state (first and second moments, step count) saves to safetensors and a resumed run continues bit-for-bit.
/// The learning rate is given per step by the schedule as a multiplier of each group's peak rate.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly IReadOnlyList<ParameterGroup> _groups;
    private readonly Tensor[] _firstMoment;
    private readonly Tensor[] _secondMoment;
    private readonly Parameter[] _parameters;
    private readonly double[] _peakLr;
    private readonly double _beta1, _beta2, _eps, _weightDecay;
    private readonly bool _decoupled;

    /// <summary>Creates the optimiser over <paramref name="groups"/>; <paramref name="decoupled"/> selects AdamW.</summary>
    public AdamOptimizer(IReadOnlyList<ParameterGroup> groups, double beta1, double beta2, double eps, double weightDecay, bool decoupled)
    {
        _groups = groups;
        _parameters = groups.SelectMany(g => g.Parameters).ToArray();
        _peakLr = groups.SelectMany(g => g.Parameters.Select(_ => g.Lr)).ToArray();
        _firstMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        (_beta1, _beta2, _eps, _weightDecay, _decoupled) = (beta1, beta2, eps, weightDecay, decoupled);
    }

    /// <summary>Updates taken so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>Every trained parameter, in group order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Clears gradients.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            var g = p.grad;
            if (g is not null) g.zero_();
        }
    }

    /// <summary>One update with every group's rate scaled by <paramref name="lrScale"/>.</summary>
    public void Step(double lrScale)
    {
        StepCount++;
        var bias1 = 1 - Math.Pow(_beta1, StepCount);
        var bias2 = 1 - Math.Pow(_beta2, StepCount);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            var grad = p.grad;
            if (grad is null) continue;
            var lr = _peakLr[i] * lrScale;
            if (_weightDecay != 0)
            {
                if (_decoupled) p.mul_(1 - lr * _weightDecay);
                else grad = grad.add(p, alpha: _weightDecay);
            }
            _firstMoment[i].mul_(_beta1).add_(grad, alpha: 1 - _beta1);
            _secondMoment[i].mul_(_beta2).addcmul_(grad, grad, value: 1 - _beta2);
            var denominator = (_secondMoment[i].sqrt() / Math.Sqrt(bias2)).add_(_eps);
            p.addcdiv_(_firstMoment[i], denominator, value: -lr / bias1);
        }
    }

    /// <summary>The moments by parameter position, for the training state file.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateTensors()
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            yield return new($"exp_avg.{i:D4}", _firstMoment[i]);
            yield return new($"exp_avg_sq.{i:D4}", _secondMoment[i]);
        }
    }

    /// <summary>Restores moments and step count saved by <see cref="StateTensors"/>.</summary>
    /// <exception cref="Sdk.RobotHostException">The saved state belongs to another model shape.</exception>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state, long stepCount)
    {
        using var noGrad = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (!state.TryGetValue($"exp_avg.{i:D4}", out var m) || !state.TryGetValue($"exp_avg_sq.{i:D4}", out var v) || !m.shape.SequenceEqual(_parameters[i].shape))
                throw new Sdk.RobotHostException($"the optimizer state does not match this model (parameter {i}); resume with the same policy config, or start a new run");
            _firstMoment[i].copy_(m);
            _secondMoment[i].copy_(v);
        }
        StepCount = stepCount;
    }

    /// <summary>Moves the moments along with the model.</summary>
    public void Dispose()
    {
        foreach (var t in _firstMoment.Concat(_secondMoment)) t.Dispose();
    }
}
