using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>
/// A transformer decoder layer (self-attention over queries, cross-attention to the encoder memory, feed-forward) with
/// positions added to queries and keys (DETR, ACT); post-norm by default. Names follow LeRobot's ACTDecoderLayer.
/// </summary>
public sealed class TransformerDecoderLayer : nn.Module
{
    private readonly MultiheadAttention self_attn;
    private readonly MultiheadAttention multihead_attn;
    private readonly Linear linear1;
    private readonly Dropout dropout;
    private readonly Linear linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly LayerNorm norm3;
    private readonly Dropout dropout1;
    private readonly Dropout dropout2;
    private readonly Dropout dropout3;
    private readonly bool _preNorm;
    private readonly bool _gelu;

    /// <summary>Creates a layer (feed-forward activation ReLU, or GELU with <paramref name="gelu"/>).</summary>
    public TransformerDecoderLayer(long dim, long heads, long feedforward, double dropoutRate, bool preNorm = false, bool gelu = false) : base(nameof(TransformerDecoderLayer))
    {
        self_attn = new MultiheadAttention(dim, heads, dropoutRate);
        multihead_attn = new MultiheadAttention(dim, heads, dropoutRate);
        linear1 = nn.Linear(dim, feedforward);
        dropout = nn.Dropout(dropoutRate);
        linear2 = nn.Linear(feedforward, dim);
        norm1 = nn.LayerNorm(dim);
        norm2 = nn.LayerNorm(dim);
        norm3 = nn.LayerNorm(dim);
        dropout1 = nn.Dropout(dropoutRate);
        dropout2 = nn.Dropout(dropoutRate);
        dropout3 = nn.Dropout(dropoutRate);
        (_preNorm, _gelu) = (preNorm, gelu);
        RegisterComponents();
    }

    /// <summary>Decodes queries <paramref name="x"/> [B, Sq, d] against <paramref name="memory"/> [B, Sk, d].</summary>
    public Tensor Forward(Tensor x, Tensor memory, Tensor? queryPos = null, Tensor? memoryPos = null, Tensor? memoryPaddingMask = null)
    {
        using var scope = NewDisposeScope();
        var skip = x;
        if (_preNorm) x = norm1.call(x);
        var qk = queryPos is null ? x : x + queryPos;
        x = skip + dropout1.call(self_attn.Forward(qk, qk, x));
        if (_preNorm) { skip = x; x = norm2.call(x); }
        else { x = norm1.call(x); skip = x; }
        var q = queryPos is null ? x : x + queryPos;
        var k = memoryPos is null ? memory : memory + memoryPos;
        x = skip + dropout2.call(multihead_attn.Forward(q, k, memory, memoryPaddingMask));
        if (_preNorm) { skip = x; x = norm3.call(x); }
        else { x = norm2.call(x); skip = x; }
        var hidden = _gelu ? nn.functional.gelu(linear1.call(x)) : nn.functional.relu(linear1.call(x));
        x = skip + dropout3.call(linear2.call(dropout.call(hidden)));
        if (!_preNorm) x = norm3.call(x);
        return x.MoveToOuterDisposeScope();
    }
}
