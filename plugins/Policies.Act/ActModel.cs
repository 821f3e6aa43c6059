using RobotHost.Learning.Data;
using RobotHost.Learning.Modules;
using RobotHost.Learning.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TransformerEncoderLayer = RobotHost.Learning.Modules.TransformerEncoderLayer;
using TransformerDecoderLayer = RobotHost.Learning.Modules.TransformerDecoderLayer;

namespace RobotHost.Plugins.Policies.Act;

/// <summary>
/// ACT's network, laid out as LeRobot's ACT (module names match where the structure does): a CVAE encoder over
/// [CLS, state, action chunk] → latent z (z = 0 at inference); a transformer encoder over [latent, state, image tokens]
/// with learned 1-D and fixed 2-D sinusoidal positions (with image_keypoints, one more token of spatial soft-argmax
/// keypoints per camera); a decoder whose learned queries become the action chunk. Loss: L1 on unpadded actions + β·KL.
/// </summary>
public sealed class ActModel : PolicyModel
{
    private readonly ActConfig _config;
    private readonly ResNet18? backbone;
    private readonly Conv2d? encoder_img_feat_input_proj;
    private readonly ModuleList<SpatialSoftmax>? encoder_img_keypoints;
    private readonly Linear? encoder_img_keypoint_proj;
    private readonly Embedding? encoder_img_keypoint_pos_embed;
    private readonly Embedding? vae_encoder_cls_embed;
    private readonly Linear? vae_encoder_robot_state_input_proj;
    private readonly Linear? vae_encoder_action_input_proj;
    private readonly ModuleList<TransformerEncoderLayer>? vae_encoder;
    private readonly Linear? vae_encoder_latent_output_proj;
    private readonly LayerNorm? vae_encoder_norm;
    private readonly Tensor? vae_encoder_pos_enc;
    private readonly Linear encoder_latent_input_proj;
    private readonly Linear? encoder_robot_state_input_proj;
    private readonly Embedding encoder_1d_feature_pos_embed;
    private readonly ModuleList<TransformerEncoderLayer> encoder;
    private readonly LayerNorm? encoder_norm;
    private readonly ModuleList<TransformerDecoderLayer> decoder;
    private readonly LayerNorm decoder_norm;
    private readonly Embedding decoder_pos_embed;
    private readonly Linear action_head;
    private readonly List<Tensor> _imagePositions = [];
    private readonly List<(Tensor Mean, Tensor Std)>? _imageNormalization;

    /// <summary>Creates the network for <paramref name="features"/>.</summary>
    public ActModel(ActConfig config, PolicyFeatures features) : base(nameof(ActModel), features)
    {
        _config = config;
        long d = config.DModel;
        var gelu = config.FeedforwardActivation == "gelu";
        if (features.Images.Count > 0)
        {
            backbone = new ResNet18(numClasses: 0, config.BackboneNorm, config.VisionBackboneWidth, config.VisionBackboneStages);
            if (config.PretrainedBackboneWeights is not null) backbone.LoadWeights(config.PretrainedBackboneWeights);
            encoder_img_feat_input_proj = nn.Conv2d(backbone.FeatureChannels, d, 1);
            if (config.ImageKeypoints > 0)
            {
                encoder_img_keypoints = new ModuleList<SpatialSoftmax>();
                encoder_img_keypoint_proj = nn.Linear(2L * config.ImageKeypoints, d);
                encoder_img_keypoint_pos_embed = nn.Embedding(features.Images.Count, d);
            }
            if (config.ImageMean is not null && config.ImageStd is not null) _imageNormalization = [];
            for (var i = 0; i < features.Images.Count; i++)
            {
                if (_imageNormalization is not null)
                {
                    var key = features.Images[i].Key;
                    if (!config.ImageMean!.TryGetValue(key, out var mean) || !config.ImageStd!.TryGetValue(key, out var std))
                        throw new Sdk.RobotHostException($"image_mean/image_std have no statistics for camera '{key}' (have: {string.Join(", ", config.ImageMean!.Keys)}); add them or remove both to use ImageNet statistics");
                    var m = tensor(mean.Select(v => (float)v).ToArray(), [1, 3, 1, 1]).DetachFromDisposeScope();
                    var s = tensor(std.Select(v => (float)v).ToArray(), [1, 3, 1, 1]).DetachFromDisposeScope();
                    register_buffer($"image_mean_{i}", m, persistent: false);
                    register_buffer($"image_std_{i}", s, persistent: false);
                    _imageNormalization.Add((m, s));
                }
                var (h, w) = features.ImageSize(i);
                var (fh, fw) = ResNet18.FeatureMapSize(h, w, config.VisionBackboneStages);
                // [h·w, d] positions of this camera's tokens, fixed for its image size.
                var table = SinusoidalEmbedding.Table2D(fh, fw, d).flatten(1).transpose(0, 1).contiguous().DetachFromDisposeScope();
                register_buffer($"image_pos_{i}", table, persistent: false);
                _imagePositions.Add(table);
                encoder_img_keypoints?.Add(new SpatialSoftmax(backbone.FeatureChannels, fh, fw, config.ImageKeypoints));
            }
        }
        if (config.UseVae)
        {
            vae_encoder_cls_embed = nn.Embedding(1, d);
            if (features.State is not null) vae_encoder_robot_state_input_proj = nn.Linear(features.StateDim, d);
            vae_encoder_action_input_proj = nn.Linear(features.ActionDim, d);
            vae_encoder = new ModuleList<TransformerEncoderLayer>();
            for (var i = 0; i < config.NVaeEncoderLayers; i++)
                vae_encoder.Add(new TransformerEncoderLayer(d, config.NHeads, config.DimFeedforward, config.Dropout, config.PreNorm, gelu));
            if (config.PreNorm && config.VaeEncoderFinalNorm) vae_encoder_norm = nn.LayerNorm(d);
            vae_encoder_latent_output_proj = nn.Linear(d, 2L * config.LatentDim);
            var tokens = 1 + (features.State is null ? 0 : 1) + config.ChunkSize;
            vae_encoder_pos_enc = SinusoidalEmbedding.Table1D(tokens, d).unsqueeze(0).DetachFromDisposeScope();
            register_buffer(nameof(vae_encoder_pos_enc), vae_encoder_pos_enc, persistent: false);
        }
        encoder_latent_input_proj = nn.Linear(config.LatentDim, d);
        if (features.State is not null) encoder_robot_state_input_proj = nn.Linear(features.StateDim, d);
        encoder_1d_feature_pos_embed = nn.Embedding(features.State is null ? 1 : 2, d);
        encoder = new ModuleList<TransformerEncoderLayer>();
        for (var i = 0; i < config.NEncoderLayers; i++)
            encoder.Add(new TransformerEncoderLayer(d, config.NHeads, config.DimFeedforward, config.Dropout, config.PreNorm, gelu));
        if (config.PreNorm) encoder_norm = nn.LayerNorm(d);
        decoder = new ModuleList<TransformerDecoderLayer>();
        for (var i = 0; i < config.NDecoderLayers; i++)
            decoder.Add(new TransformerDecoderLayer(d, config.NHeads, config.DimFeedforward, config.Dropout, config.PreNorm, gelu));
        decoder_norm = nn.LayerNorm(d);
        decoder_pos_embed = nn.Embedding(config.ChunkSize, d);
        action_head = nn.Linear(d, features.ActionDim);
        RegisterComponents();
        // LeRobot: Xavier-uniform for every matrix of the transformer parts.
        foreach (var (name, p) in named_parameters())
            if (p.dim() > 1 && !name.StartsWith("backbone", StringComparison.Ordinal)) nn.init.xavier_uniform_(p);
    }

    /// <inheritdoc />
    public override int ActionHorizon => _config.ChunkSize;

    /// <inheritdoc />
    public override IReadOnlyList<ParameterGroup> ParameterGroups(PolicyConfig config)
    {
        var all = named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var groups = new List<ParameterGroup>
        {
            new("transformer", all.Where(p => !p.name.StartsWith("backbone.", StringComparison.Ordinal)).Select(p => p.parameter).ToList(), config.Lr),
        };
        var backboneParams = all.Where(p => p.name.StartsWith("backbone.", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        if (backboneParams.Count > 0) groups.Add(new("backbone", backboneParams, config.LrBackbone ?? config.Lr));
        return groups;
    }

    /// <inheritdoc />
    public override PolicyLoss ComputeLoss(PolicyBatch batch)
    {
        var target = batch.RequireAction();
        var isPad = batch.RequireActionIsPad();
        var (predicted, mu, logSigmaX2) = Forward(batch, target, isPad);
        var valid = isPad.logical_not().unsqueeze(-1).to(predicted.dtype);
        var l1 = ((predicted - target).abs() * valid).mean();
        var parts = new Dictionary<string, double> { ["l1"] = l1.item<float>() };
        var loss = l1;
        if (mu is not null && logSigmaX2 is not null)
        {
            // KL(N(mu, sigma) ‖ N(0, 1)) summed over latent dims, averaged over the batch (Kingma & Welling 2014, app. B).
            var kld = (-0.5 * (1 + logSigmaX2 - mu.pow(2) - logSigmaX2.exp())).sum(-1).mean();
            parts["kld"] = kld.item<float>();
            loss = l1 + kld * _config.KlWeight;
        }
        return new PolicyLoss(loss, parts);
    }

    /// <inheritdoc />
    public override Tensor PredictActionChunk(PolicyBatch observation) => Forward(observation, null, null).Actions;

    private (Tensor Actions, Tensor? Mu, Tensor? LogSigmaX2) Forward(PolicyBatch batch, Tensor? actions, Tensor? actionIsPad)
    {
        var b = batch.Size;
        long d = _config.DModel;
        var device = encoder_latent_input_proj.weight!.device;
        var state = batch.State?[.., -1];

        Tensor latent;
        Tensor? mu = null, logSigmaX2 = null;
        if (_config.UseVae && training && actions is not null)
        {
            var tokens = new List<Tensor> { vae_encoder_cls_embed!.weight!.unsqueeze(0).expand(b, 1, d) };
            if (state is not null) tokens.Add(vae_encoder_robot_state_input_proj!.call(state).unsqueeze(1));
            tokens.Add(vae_encoder_action_input_proj!.call(actions));
            var x = cat(tokens, 1);
            var prefix = zeros(b, tokens.Count - 1, dtype: ScalarType.Bool, device: device);
            var mask = cat([prefix, actionIsPad!], 1);
            foreach (var layer in vae_encoder!) x = layer.Forward(x, vae_encoder_pos_enc, mask);
            if (vae_encoder_norm is not null) x = vae_encoder_norm.call(x);
            var parameters = vae_encoder_latent_output_proj!.call(x[.., 0]);
            mu = parameters[.., ..(int)_config.LatentDim];
            logSigmaX2 = parameters[.., (int)_config.LatentDim..];
            latent = mu + (logSigmaX2 / 2).exp() * randn_like(mu);
        }
        else
        {
            latent = zeros(b, _config.LatentDim, device: device);
        }

        var encoderTokens = new List<Tensor> { encoder_latent_input_proj.call(latent).unsqueeze(1) };
        if (state is not null) encoderTokens.Add(encoder_robot_state_input_proj!.call(state).unsqueeze(1));
        var positions = new List<Tensor> { encoder_1d_feature_pos_embed.weight!.unsqueeze(0).expand(b, -1, -1) };
        for (var i = 0; i < Features.Images.Count; i++)
        {
            var images = batch.Images[Features.Images[i].Key][.., -1];
            var normalized = _imageNormalization is null
                ? ImageTensors.NormalizeImageNet(images)
                : (images - _imageNormalization[i].Mean) / _imageNormalization[i].Std;
            var features = backbone!.Features(normalized);
            var map = encoder_img_feat_input_proj!.call(features); // [B, d, h, w]
            encoderTokens.Add(map.flatten(2).transpose(1, 2));
            positions.Add(_imagePositions[i].unsqueeze(0).expand(b, -1, -1));
            if (encoder_img_keypoints is not null)
            {
                encoderTokens.Add(encoder_img_keypoint_proj!.call(encoder_img_keypoints[i].call(features)).unsqueeze(1));
                positions.Add(encoder_img_keypoint_pos_embed!.weight![i].view(1, 1, d).expand(b, 1, d));
            }
        }
        var memory = cat(encoderTokens, 1);
        var memoryPos = cat(positions, 1);
        foreach (var layer in encoder) memory = layer.Forward(memory, memoryPos);
        if (encoder_norm is not null) memory = encoder_norm.call(memory);

        var queryPos = decoder_pos_embed.weight!.unsqueeze(0).expand(b, -1, -1);
        var output = zeros(b, _config.ChunkSize, d, device: device);
        foreach (var layer in decoder) output = layer.Forward(output, memory, queryPos, memoryPos);
        output = decoder_norm.call(output);
        return (action_head.call(output), mu, logSigmaX2);
    }
}
