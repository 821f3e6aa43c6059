using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>
/// Multi-head scaled dot-product attention (Vaswani et al. 2017), batch-first, with PyTorch's parameter layout
/// (<c>in_proj_weight</c> [3d, d], <c>in_proj_bias</c>, <c>out_proj</c>) so weights from torch.nn.MultiheadAttention load by name.
/// </summary>
public sealed class MultiheadAttention : nn.Module
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    private readonly Dropout dropout;
    private readonly long _dim;
    private readonly long _heads;

    /// <summary>Creates attention of width <paramref name="dim"/> with <paramref name="heads"/> heads.</summary>
    public MultiheadAttention(long dim, long heads, double dropoutRate) : base(nameof(MultiheadAttention))
    {
        if (dim % heads != 0) throw new ArgumentException($"model width {dim} is not divisible by {heads} heads");
        (_dim, _heads) = (dim, heads);
        in_proj_weight = new Parameter(empty(3 * dim, dim));
        in_proj_bias = new Parameter(zeros(3 * dim));
        nn.init.xavier_uniform_(in_proj_weight);
        out_proj = nn.Linear(dim, dim);
        using (no_grad()) out_proj.bias!.zero_();
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <summary>Attends from <paramref name="query"/> [B, Sq, d] to <paramref name="key"/>/<paramref name="value"/> [B, Sk, d].</summary>
    /// <param name="keyPaddingMask">[B, Sk], true where a key must be ignored (padding), or null.</param>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null)
    {
        using var scope = NewDisposeScope();
        var weights = in_proj_weight.chunk(3, 0);
        var biases = in_proj_bias.chunk(3, 0);
        var q = nn.functional.linear(query, weights[0], biases[0]);
        var k = nn.functional.linear(key, weights[1], biases[1]);
        var v = nn.functional.linear(value, weights[2], biases[2]);
        var b = query.shape[0];
        var headDim = _dim / _heads;
        q = q.view(b, -1, _heads, headDim).transpose(1, 2);
        k = k.view(b, -1, _heads, headDim).transpose(1, 2);
        v = v.view(b, -1, _heads, headDim).transpose(1, 2);
        var scores = matmul(q, k.transpose(-2, -1)) / Math.Sqrt(headDim);
        if (keyPaddingMask is not null)
            scores = scores.masked_fill(keyPaddingMask.view(b, 1, 1, -1), float.NegativeInfinity);
        var attention = dropout.call(nn.functional.softmax(scores, -1));
        var output = matmul(attention, v).transpose(1, 2).reshape(b, -1, _dim);
        return out_proj.call(output).MoveToOuterDisposeScope();
    }
}
