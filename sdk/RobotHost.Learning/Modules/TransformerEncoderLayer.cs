using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>
/// A transformer encoder layer with positional embeddings added to queries and keys at every layer (DETR, ACT),
/// post-norm by default as in LeRobot's ACT (<c>pre_norm=False</c>). Names follow ACTEncoderLayer.
/// </summary>
public sealed class TransformerEncoderLayer : nn.Module
{
    private readonly MultiheadAttention self_attn;
    private readonly Linear linear1;
    private readonly Dropout dropout;
    private readonly Linear linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly Dropout dropout1;
    private readonly Dropout dropout2;
    private readonly bool _preNorm;
    private readonly bool _gelu;

    /// <summary>Creates a layer.</summary>
    public TransformerEncoderLayer(long dim, long heads, long feedforward, double dropoutRate, bool preNorm = false, bool gelu = false) : base(nameof(TransformerEncoderLayer))
    {
        self_attn = new MultiheadAttention(dim, heads, dropoutRate);
        linear1 = nn.Linear(dim, feedforward);
        dropout = nn.Dropout(dropoutRate);
        linear2 = nn.Linear(feedforward, dim);
        norm1 = nn.LayerNorm(dim);
        norm2 = nn.LayerNorm(dim);
        dropout1 = nn.Dropout(dropoutRate);
        dropout2 = nn.Dropout(dropoutRate);
        (_preNorm, _gelu) = (preNorm, gelu);
        RegisterComponents();
    }

    /// <summary>Encodes <paramref name="x"/> [B, S, d] with positions <paramref name="pos"/> (broadcastable to x, or null).</summary>
    public Tensor Forward(Tensor x, Tensor? pos = null, Tensor? keyPaddingMask = null)
    {
        using var scope = NewDisposeScope();
        var skip = x;
        if (_preNorm) x = norm1.call(x);
        var qk = pos is null ? x : x + pos;
        x = skip + dropout1.call(self_attn.Forward(qk, qk, x, keyPaddingMask));
        if (_preNorm)
        {
            skip = x;
            x = norm2.call(x);
        }
        else
        {
            x = norm1.call(x);
            skip = x;
        }
        var hidden = _gelu ? nn.functional.gelu(linear1.call(x)) : nn.functional.relu(linear1.call(x));
        x = skip + dropout2.call(linear2.call(dropout.call(hidden)));
        if (!_preNorm) x = norm2.call(x);
        return x.MoveToOuterDisposeScope();
    }
}
