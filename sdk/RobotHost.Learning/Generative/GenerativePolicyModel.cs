using RobotHost.Learning.Modules;
using RobotHost.Learning.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// The shared body of Diffusion Policy and flow matching: observation window → global condition (state history and,
/// per camera, ResNet18-GroupNorm spatial-softmax features of each frame, flattened as LeRobot's
/// <c>_prepare_global_conditioning</c>), a <see cref="ConditionalUnet1d"/> over the action sequence, and a seeded
/// <see cref="Generator"/> for the sampling noise. Derived classes give the training loss and the sampler.
/// Action targets are frames [1 − n_obs … horizon − n_obs] around the current frame; the executed chunk starts at
/// the current frame.
/// </summary>
public abstract class GenerativePolicyModel : PolicyModel
{
    private readonly ModuleList<VisionEncoder> image_encoders;
    private readonly ConditionalUnet1d unet;
    private readonly GenerativePolicyConfig _config;
    private readonly (int Height, int Width)[] _cropSizes;
    private Generator _sampling;

    /// <summary>Builds encoders and U-Net for <paramref name="features"/>.</summary>
    protected GenerativePolicyModel(string name, GenerativePolicyConfig config, PolicyFeatures features) : base(name, features)
    {
        _config = config;
        image_encoders = new ModuleList<VisionEncoder>();
        _cropSizes = new (int, int)[features.Images.Count];
        for (var i = 0; i < features.Images.Count; i++)
        {
            var (h, w) = features.ImageSize(i);
            _cropSizes[i] = config.CropShape is { } shape
                ? (Math.Min(h, shape[0]), Math.Min(w, shape[1]))
                : (Math.Max(1, (int)Math.Round(h * config.CropRatio)), Math.Max(1, (int)Math.Round(w * config.CropRatio)));
            var key = features.Images[i].Key;
            double[]? mean = null, std = null;
            if (config.ImageMean is not null && config.ImageStd is not null
                && (!config.ImageMean.TryGetValue(key, out mean) || !config.ImageStd.TryGetValue(key, out std)))
                throw new Sdk.RobotHostException($"image_mean/image_std have no statistics for camera '{key}' (have: {string.Join(", ", config.ImageMean.Keys)}); add them or remove both to use ImageNet statistics");
            image_encoders.Add(new VisionEncoder(_cropSizes[i].Height, _cropSizes[i].Width, 2 * config.SpatialKeypoints,
                config.SpatialKeypoints, config.BackboneNorm, config.VisionBackboneWidth, mean, std));
        }
        var perFrame = features.StateDim + features.Images.Count * 2 * config.SpatialKeypoints;
        unet = new ConditionalUnet1d(config.UnetConfig(features.ActionDim, perFrame * config.NObsSteps));
        _sampling = new Generator((ulong)config.SamplingSeed);
        // Registered by name here: RegisterComponents() in a derived class does not see a base class's private fields.
        register_module(nameof(image_encoders), image_encoders);
        register_module(nameof(unet), unet);

    }

    /// <inheritdoc />
    public override int ObservationSteps => _config.NObsSteps;

    /// <inheritdoc />
    public override int ActionHorizon => _config.Horizon;

    /// <inheritdoc />
    public override IReadOnlyList<int> ActionOffsets => Enumerable.Range(1 - _config.NObsSteps, _config.Horizon).ToList();

    /// <inheritdoc />
    public override int ChunkLength => _config.Horizon - _config.NObsSteps + 1;

    /// <summary>The denoising / velocity network.</summary>
    public ConditionalUnet1d Unet => unet;

    /// <summary>Restarts the sampling noise from <see cref="GenerativePolicyConfig.SamplingSeed"/> (or <paramref name="seed"/>).</summary>
    public void ReseedSampling(long? seed = null)
    {
        _sampling.Dispose();
        _sampling = new Generator((ulong)(seed ?? _config.SamplingSeed));
    }

    /// <summary>Flattened observation features [B, n_obs · per-frame width] for FiLM.</summary>
    protected Tensor GlobalCondition(PolicyBatch batch)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        if (Features.State is not null)
            parts.Add(batch.State ?? throw new InvalidOperationException("batch has no observation.state but the policy reads it"));
        for (var i = 0; i < Features.Images.Count; i++)
        {
            var images = batch.Images[Features.Images[i].Key]; // [B, n_obs, 3, H, W]
            var frames = images.flatten(0, 1);
            var encoded = image_encoders[i].call(Crop(frames, _cropSizes[i]));
            parts.Add(encoded.view(batch.Size, images.shape[1], -1));
        }
        var perFrame = parts.Count == 1 ? parts[0] : cat(parts, dim: -1);
        return perFrame.flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>Random crop while training (one offset per batch, as torchvision's RandomCrop on a batch), centre crop otherwise.</summary>
    private Tensor Crop(Tensor frames, (int Height, int Width) size)
    {
        var (h, w) = ((int)frames.shape[2], (int)frames.shape[3]);
        if (size.Height == h && size.Width == w) return frames;
        int top, left;
        if (training)
        {
            top = (int)randint(0, h - size.Height + 1, [1]).item<long>();
            left = (int)randint(0, w - size.Width + 1, [1]).item<long>();
        }
        else if (_config.CropShape is not null)
        {
            // torchvision's CenterCrop: int(round(margin / 2.0)), Python's round (half to even).
            top = (int)Math.Round((h - size.Height) / 2.0, MidpointRounding.ToEven);
            left = (int)Math.Round((w - size.Width) / 2.0, MidpointRounding.ToEven);
        }
        else
        {
            top = (h - size.Height) / 2;
            left = (w - size.Width) / 2;
        }
        return frames.narrow(2, top, size.Height).narrow(3, left, size.Width);
    }

    /// <summary>
    /// Fixed sampling noise instead of the seeded generator's: the initial sample [B, horizon, action_dim] and, in order,
    /// every extra draw of a stochastic sampler (DDPM). For comparing with another implementation given the same noise;
    /// null (the default) samples as usual. The model does not own or dispose these tensors.
    /// </summary>
    public InjectedNoise? InjectedNoise { get; set; }

    /// <summary>Gaussian noise [B, horizon, action_dim] from the policy's seeded generator (drawn on the CPU, then moved).</summary>
    protected Tensor InitialNoise(long batch, Device device) => InjectedNoise is { } fixedNoise
        ? fixedNoise.Initial.to(float32).to(device).clone()
        : randn([batch, _config.Horizon, Features.ActionDim], generator: _sampling).to(device);

    /// <summary>The policy's generator, for samplers that add noise along the way.</summary>
    protected Generator SamplingGenerator => _sampling;

    /// <summary>
    /// The mean of an element-wise loss [B, T, A], optionally without padded actions and without the
    /// <paramref name="committed"/> positions [B, T, 1] of training-time real-time chunking (given, not predicted).
    /// </summary>
    protected Tensor ReduceLoss(Tensor elementwise, PolicyBatch batch, Tensor? committed = null)
    {
        if (!_config.MaskPaddedActions && committed is null) return elementwise.mean();
        var valid = _config.MaskPaddedActions
            ? batch.RequireActionIsPad().logical_not().unsqueeze(-1).to(elementwise.dtype)
            : ones(elementwise.shape[0], elementwise.shape[1], 1, dtype: elementwise.dtype, device: elementwise.device);
        if (committed is not null) valid = valid * (1 - committed.to(elementwise.dtype));
        return (elementwise * valid).sum() / (valid.sum() * elementwise.shape[2]).clamp_min(1);
    }

    /// <summary>True when the network was trained with committed prefixes (training-time real-time chunking) and so takes their mask as an extra input channel.</summary>
    public bool ConditionsOnPrefix => _config.RtcTrainingMaxDelay > 0;

    /// <summary>
    /// Training-time real-time chunking: the mask [B, horizon, 1] of the committed actions of each sample, ones at the
    /// d positions from the current frame on (sequence index n_obs − 1), d drawn per sample from
    /// <see cref="GenerativePolicyConfig.RtcTrainingDelayDistribution"/> on 0 … <see cref="GenerativePolicyConfig.RtcTrainingMaxDelay"/>
    /// (d = 0, no prefix, included); null when the option is off. Draws from the global generator, which the trainer
    /// seeds per step.
    /// </summary>
    protected Tensor? TrainingPrefixMask(long batch, Device device)
    {
        if (!ConditionsOnPrefix) return null;
        using var scope = NewDisposeScope();
        var max = _config.RtcTrainingMaxDelay;
        var delays = _config.RtcTrainingDelayDistribution == "exp"
            ? multinomial(exp(arange(max + 1, dtype: float32) * (-2.0 / max)), batch, replacement: true)
            : randint(0, max + 1, [batch]);
        var positions = arange(_config.Horizon).unsqueeze(0) - (_config.NObsSteps - 1);
        var mask = positions.ge(0).logical_and(positions.lt(delays.unsqueeze(1)));
        return mask.unsqueeze(-1).to(float32).to(device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Calls the U-Net on <paramref name="sample"/>; a network trained with committed prefixes gets the sample with the
    /// positions of <paramref name="mask"/> [B, T, 1] replaced by <paramref name="committed"/> and the mask as an extra
    /// channel (no mask: nothing committed).
    /// </summary>
    protected Tensor Denoise(Tensor sample, Tensor networkTime, Tensor condition, Tensor? committed = null, Tensor? mask = null)
    {
        if (!ConditionsOnPrefix) return unet.call(sample, networkTime, condition);
        using var scope = NewDisposeScope();
        mask ??= zeros(sample.shape[0], sample.shape[1], 1, dtype: sample.dtype, device: sample.device);
        var input = committed is null ? sample : sample * (1 - mask) + committed * mask;
        return unet.call(cat([input, mask.expand(sample.shape[0], -1, -1).to(sample.dtype)], -1), networkTime, condition).MoveToOuterDisposeScope();
    }

    /// <summary>The sampler <see cref="PredictActionChunk(PolicyBatch)"/> runs.</summary>
    protected abstract IActionSampler Sampler { get; }

    /// <summary>What the network predicts, for guiding it toward a previous chunk.</summary>
    protected abstract IGuidedPrediction PredictionForm { get; }

    /// <summary>The network's time input for a sampler time (B,).</summary>
    protected abstract Tensor NetworkTime(Tensor samplerTime);

    /// <summary>Clamp of the final sample in normalised units, or null.</summary>
    protected abstract double? FinalClip { get; }

    /// <inheritdoc />
    public override Tensor PredictActionChunk(PolicyBatch observation) => SampleChunk(observation, Sampler, NetworkTime, FinalClip);

    /// <summary>Real-time chunking: guided sampling, or conditioning for a network trained with committed prefixes.</summary>
    public override bool SupportsGuidance => true;

    /// <inheritdoc />
    public override string? RealTimeChunkingMethod => ConditionsOnPrefix ? "conditioning" : "guidance";

    /// <inheritdoc />
    public override Tensor PredictActionChunk(PolicyBatch observation, ActionPrefix prefix) => SampleChunk(observation, Sampler, NetworkTime, FinalClip, prefix);

    /// <summary>
    /// Runs <paramref name="sampler"/> from fresh seeded noise and returns the chunk from the current frame on. With
    /// <paramref name="prefix"/>, the chunk's first <see cref="ActionPrefix.Frozen"/> actions are the prefix's, and the
    /// rest continues it: a network trained with committed prefixes gets the frozen actions as input at every step (no
    /// guidance computed); otherwise every step is guided toward the prefix (<see cref="PredictionForm"/>) under
    /// <see cref="GenerativePolicyConfig.RealTimeChunking"/>'s soft mask.
    /// </summary>
    protected Tensor SampleChunk(PolicyBatch observation, IActionSampler sampler, Func<Tensor, Tensor> networkTime, double? clip, ActionPrefix? prefix = null)
    {
        using var scope = NewDisposeScope();
        var condition = GlobalCondition(observation);
        var noise = InitialNoise(observation.Size, condition.device);
        var current = _config.NObsSteps - 1; // frame n_obs − 1 of the sequence is the current one (LeRobot's generate_actions)
        var frozen = 0;
        Tensor? committed = null, mask = null;
        DenoisingNetwork network = (x, t) => Denoise(x, networkTime(t), condition, committed, mask);
        if (prefix is not null)
        {
            var given = (int)Math.Min(prefix.Actions.shape[1], ChunkLength);
            frozen = Math.Clamp(prefix.Frozen, 0, given);
            var target = zeros_like(noise);
            target.narrow(1, current, given).copy_(prefix.Actions.narrow(1, 0, given).to(noise.dtype).to(noise.device));
            if (ConditionsOnPrefix)
            {
                var committedPositions = new float[_config.Horizon];
                Array.Fill(committedPositions, 1f, current, frozen);
                (committed, mask) = (target, tensor(committedPositions, [1, _config.Horizon, 1]).to(noise.device));
            }
            else
            {
                var rtc = _config.RealTimeChunking();
                var overlapEnd = Math.Max(Math.Min(given, ChunkLength - rtc.ExecutionHorizon), frozen);
                var sequenceWeights = new float[_config.Horizon];
                Array.Copy(rtc.Weights(frozen, overlapEnd, ChunkLength), 0, sequenceWeights, current, ChunkLength);
                network = PrefixGuidance.Guide(network, target, tensor(sequenceWeights, [1, _config.Horizon, 1]).to(noise.device), rtc.MaxGuidanceWeight, PredictionForm);
            }
        }
        var sample = sampler.Sample(network, noise, _sampling, InjectedNoise is { } injected ? injected.NextStep : null);
        if (clip is { } c) sample = sample.clamp(-c, c);
        var chunk = sample.narrow(1, current, ChunkLength);
        if (frozen > 0)
            chunk = cat([prefix!.Actions.narrow(1, 0, frozen).to(chunk.dtype).to(chunk.device), chunk.narrow(1, frozen, ChunkLength - frozen)], 1);
        return chunk.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _sampling.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Noise handed to a sampler instead of drawn: the initial sample and the per-step draws, consumed in order.</summary>
public sealed class InjectedNoise(Tensor initial, IReadOnlyList<Tensor> steps)
{
    private int _next;

    /// <summary>The initial sample.</summary>
    public Tensor Initial { get; } = initial;

    /// <summary>Per-step draws not consumed yet.</summary>
    public int Remaining => steps.Count - _next;

    /// <summary>The next per-step draw (a <see cref="StepNoise"/>).</summary>
    /// <exception cref="InvalidOperationException">The sampler asked for more draws than were given.</exception>
    public Tensor NextStep(Tensor sample)
    {
        if (_next >= steps.Count) throw new InvalidOperationException($"the sampler drew more step noise than the {steps.Count} tensors injected");
        return steps[_next++];
    }

    /// <summary>Starts again from the first per-step draw.</summary>
    public void Rewind() => _next = 0;
}
