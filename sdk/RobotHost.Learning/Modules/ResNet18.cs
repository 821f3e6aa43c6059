using RobotHost.Learning.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Modules;

/// <summary>Normalisation layer of a ResNet.</summary>
public enum ResNetNorm
{
    /// <summary>BatchNorm, as torchvision's ImageNet weights.</summary>
    BatchNorm,
    /// <summary>GroupNorm (16 channels per group), as Diffusion Policy uses: works with EMA and small batches.</summary>
    GroupNorm,
}

/// <summary>
/// ResNet18 (He et al. 2016) written out: 7×7 stem, max-pool, four stages of two basic blocks, global average pool and an
/// optional classifier. Parameter names match torchvision's (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, <c>fc</c>),
/// so a safetensors export of torchvision's weights loads with <see cref="LoadWeights"/>. <paramref name="baseWidth"/>
/// below 64 gives a narrower network for CPU training; <c>stages: 3</c> stops after <c>layer3</c>, for a feature map of
/// stride 16 instead of 32 (a 6×6 map from a 96×96 image instead of 3×3: finer positions for small images, less compute),
/// <c>stages: 2</c> after <c>layer2</c> (stride 8: 12×12 from 96×96).
/// </summary>
public sealed class ResNet18 : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly nn.Module<Tensor, Tensor> maxpool;
    private readonly nn.Module<Tensor, Tensor> layer1;
    private readonly nn.Module<Tensor, Tensor> layer2;
    private readonly nn.Module<Tensor, Tensor>? layer3;
    private readonly nn.Module<Tensor, Tensor>? layer4;
    private readonly nn.Module<Tensor, Tensor>? fc;

    /// <summary>Creates the network.</summary>
    /// <param name="numClasses">Classifier outputs; 0 for a feature extractor (no <c>fc</c>, <see cref="Features"/> only).</param>
    /// <param name="norm">BatchNorm or GroupNorm.</param>
    /// <param name="baseWidth">Channels of the first stage (64 in the paper); stages double it.</param>
    /// <param name="stages">Residual stages: 4 (the paper), 3 (no <c>layer4</c>) or 2 (no <c>layer3</c> either).</param>
    public ResNet18(int numClasses = 1000, ResNetNorm norm = ResNetNorm.BatchNorm, int baseWidth = 64, int stages = 4) : base(nameof(ResNet18))
    {
        if (stages is not (2 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(stages), stages, "a ResNet18 has 2, 3 or 4 residual stages here");
        TorchRuntime.Initialize();
        Func<long, nn.Module<Tensor, Tensor>> makeNorm = norm == ResNetNorm.BatchNorm
            ? c => nn.BatchNorm2d(c)
            : c => Norms.GroupNorm(Math.Max(1, c / 16), c);
        var w = (long)baseWidth;
        conv1 = nn.Conv2d(3, w, 7, stride: 2, padding: 3, bias: false);
        bn1 = makeNorm(w);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = nn.Sequential(new ResNetBlock(w, w, 1, makeNorm), new ResNetBlock(w, w, 1, makeNorm));
        layer2 = nn.Sequential(new ResNetBlock(w, 2 * w, 2, makeNorm), new ResNetBlock(2 * w, 2 * w, 1, makeNorm));
        if (stages >= 3) layer3 = nn.Sequential(new ResNetBlock(2 * w, 4 * w, 2, makeNorm), new ResNetBlock(4 * w, 4 * w, 1, makeNorm));
        if (stages == 4) layer4 = nn.Sequential(new ResNetBlock(4 * w, 8 * w, 2, makeNorm), new ResNetBlock(8 * w, 8 * w, 1, makeNorm));
        FeatureChannels = (1 << (stages - 1)) * baseWidth;
        Stages = stages;
        if (numClasses > 0) fc = nn.Linear(FeatureChannels, numClasses);
        RegisterComponents();
        foreach (var (_, p) in named_parameters())
        {
            // torchvision's initialisation: Kaiming-normal (fan_out) convolutions.
            if (p.dim() == 4) nn.init.kaiming_normal_(p, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        }
        Norms.ResetAffine(this);
    }

    /// <summary>Channels of the last feature map (512 for the standard width and four stages).</summary>
    public int FeatureChannels { get; }

    /// <summary>Residual stages (2, 3 or 4).</summary>
    public int Stages { get; }

    /// <summary>Size of the last feature map for an input size: the stem divides by 4, each later stage but the first by 2 (rounding up).</summary>
    public static (int Height, int Width) FeatureMapSize(int height, int width, int stages = 4)
    {
        static int Down(int n) => (n - 1) / 2 + 1; // a stride-2 layer with "same" padding
        int h = height, w = width;
        for (var i = 0; i < stages + 1; i++) { h = Down(h); w = Down(w); }
        return (h, w);
    }

    /// <summary>The last feature map, [N, 8·width, H/32, W/32] (four stages), [N, 4·width, H/16, W/16] (three) or [N, 2·width, H/8, W/8] (two).</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = maxpool.call(nn.functional.relu(bn1.call(conv1.call(images))));
        x = layer2.call(layer1.call(x));
        if (layer3 is not null) x = layer3.call(x);
        if (layer4 is not null) x = layer4.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Class scores (with a classifier) or pooled features, [N, classes or 8·width].</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var pooled = nn.functional.adaptive_avg_pool2d(Features(images), 1).flatten(1);
        return (fc is null ? pooled : fc.call(pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads weights from a safetensors file (e.g. torchvision's resnet18 exported with safetensors.torch.save_file).
    /// Names under <paramref name="prefix"/> are used; a classifier in the file is ignored when this network has none.
    /// </summary>
    public IReadOnlyList<string> LoadWeights(string path, string prefix = "")
    {
        var tensors = Safetensors.Load(path);
        try
        {
            var relevant = tensors.Where(kv => fc is not null || !kv.Key[prefix.Length..].StartsWith("fc.", StringComparison.Ordinal))
                .Where(kv => layer4 is not null || !kv.Key[prefix.Length..].StartsWith("layer4.", StringComparison.Ordinal))
                .Where(kv => layer3 is not null || !kv.Key[prefix.Length..].StartsWith("layer3.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            return ModuleWeights.Copy(this, relevant, strict: true, prefix, path);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
