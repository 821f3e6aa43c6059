using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>ResNet's basic block (He et al. 2016): two 3×3 convolutions with a shortcut, named as torchvision names them.</summary>
public sealed class ResNetBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> with <paramref name="stride"/>.</summary>
    public ResNetBlock(long inChannels, long outChannels, long stride, Func<long, nn.Module<Tensor, Tensor>> norm) : base(nameof(ResNetBlock))
    {
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = norm(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
        bn2 = norm(outChannels);
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), norm(outChannels));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        var shortcut = downsample is null ? input : downsample.call(input);
        return nn.functional.relu(x + shortcut).MoveToOuterDisposeScope();
    }
}
