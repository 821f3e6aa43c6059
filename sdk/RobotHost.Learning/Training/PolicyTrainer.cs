using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Data;
using RobotHost.Learning.Normalization;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Training;

/// <summary>
/// Trains a policy model on a dataset: background batches, normalisation from the dataset's stats, Adam/AdamW with
/// warm-up + cosine, gradient clipping, optional EMA, per-step seeding, and checkpoints that resume exactly
/// (weights, optimiser moments, step; the schedule and the data order are functions of the step).
/// Every step runs inside its own dispose scope.
/// </summary>
public sealed class PolicyTrainer : IDisposable
{
    private readonly ITrainablePolicyFactory _factory;
    private readonly AdamOptimizer _optimizer;
    private readonly LearningRateSchedule _schedule;
    private readonly BatchLoader _loader;
    private readonly WeightEma? _ema;
    private readonly Device _device;
    private readonly double _peakLr;
    private double _stepSeconds;

    private PolicyTrainer(ITrainablePolicyFactory factory, PolicyConfig config, PolicyFeatures features, FeatureNormalizer normalizer,
        IDatasetReader reader, TrainerOptions options, long startStep)
    {
        _factory = factory;
        Config = config;
        Options = options;
        Normalizer = normalizer;
        Step = startStep;
        TorchRuntime.Initialize();
        TorchRuntime.SetThreads(config.CpuThreads);
        _device = TorchRuntime.Device(config.Device);
        torch.manual_seed(options.Seed);
        Model = factory.CreateModel(config, features);
        Model.to(_device);
        Model.train();
        var groups = Model.ParameterGroups(config);
        _peakLr = groups.Count > 0 ? groups.Max(g => g.Lr) : config.Lr;
        _optimizer = new AdamOptimizer(groups, config.Beta1, config.Beta2, config.AdamEps, config.WeightDecay, config.Optimizer == "adamw");
        _schedule = new LearningRateSchedule(config.Scheduler, config.WarmupSteps, options.TotalSteps);
        if (config.UseEma) _ema = new WeightEma(Model, config.EmaPower, config.EmaMaxDecay);
        var builder = new BatchBuilder(reader, Model, normalizer, config.BatchSize, options.Seed, new ImageAugmentation(config.CropPadding, config.ColorJitter),
            config.StateNoise, options.FrameWeights, options.LabelSteps);
        Builder = builder;
        _loader = new BatchLoader(builder.Build, startStep, config.NumWorkers, options.PrefetchBatches);
    }

    /// <summary>Starts a new run from a config (validated) on a dataset.</summary>
    /// <exception cref="RobotHostException">Invalid config, unusable dataset, unavailable device.</exception>
    public static PolicyTrainer Create(ITrainablePolicyFactory factory, PolicyConfig config, IDatasetReader reader, TrainerOptions options)
    {
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException($"invalid configuration of '{factory.PolicyType}': {string.Join("; ", problems)}");
        var features = factory.SelectFeatures(config, reader.Schema);
        var normalizer = FeatureNormalizer.FromStats(reader.Stats, config.NormalizationModes(features));
        return new PolicyTrainer(factory, config, features, normalizer, reader, options, 0);
    }

    /// <summary>
    /// Continues a run from a checkpoint folder (or a training output folder → its last checkpoint): same config,
    /// normalisation, weights, optimiser state and step. <paramref name="totalSteps"/> may extend the run.
    /// </summary>
    public static PolicyTrainer Resume(ITrainablePolicyFactory factory, string checkpoint, IDatasetReader reader, long? totalSteps = null,
        IReadOnlyList<double>? frameWeights = null, IReadOnlyList<int>? labelSteps = null)
    {
        var directory = PolicyCheckpoint.Resolve(checkpoint);
        var stateDir = Path.Combine(directory, PolicyCheckpoint.TrainingStateDirectory);
        var statePath = Path.Combine(stateDir, StateFile);
        if (!File.Exists(statePath))
            throw new RobotHostException($"checkpoint '{directory}' has no {PolicyCheckpoint.TrainingStateDirectory}/{StateFile}, so it cannot be resumed; start a new run (it can still be evaluated)");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        var step = state["step"]!.GetValue<long>();
        var options = new TrainerOptions
        {
            Seed = state["seed"]!.GetValue<long>(),
            TotalSteps = totalSteps ?? state["total_steps"]!.GetValue<long>(),
            PrefetchBatches = state["prefetch_batches"]?.GetValue<int>() ?? 4,
            FrameWeights = frameWeights,
            LabelSteps = labelSteps,
        };
        var config = PolicyCheckpoint.ReadConfig(directory, factory.ConfigType, out var features);
        var trainer = new PolicyTrainer(factory, config, features, FeatureNormalizer.Load(directory), reader, options, step);
        try
        {
            var raw = Path.Combine(stateDir, PolicyCheckpoint.ModelFile);
            ModuleWeights.Load(trainer.Model, File.Exists(raw) ? raw : Path.Combine(directory, PolicyCheckpoint.ModelFile));
            var optimizer = Safetensors.Load(Path.Combine(stateDir, OptimizerFile));
            try { trainer._optimizer.LoadState(optimizer, state["optimizer_steps"]!.GetValue<long>()); }
            finally { foreach (var t in optimizer.Values) t.Dispose(); }
            if (trainer._ema is not null)
            {
                var ema = Safetensors.Load(Path.Combine(directory, PolicyCheckpoint.ModelFile));
                try { trainer._ema.Load(ema); }
                finally { foreach (var t in ema.Values) t.Dispose(); }
            }
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a new run from a trained checkpoint (fine-tuning, as after a DAgger round): its architecture, its
    /// normalisation and its weights (the EMA weights when it kept them), with a fresh optimiser, schedule and step
    /// count. <paramref name="config"/> is the checkpoint's config with any overrides (e.g. a lower lr) already applied;
    /// it must keep the architecture.
    /// </summary>
    /// <exception cref="RobotHostException">A checkpoint without weights, or a config that changes the network's shapes.</exception>
    public static PolicyTrainer FineTune(ITrainablePolicyFactory factory, string checkpoint, PolicyConfig config, IDatasetReader reader, TrainerOptions options)
    {
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException($"invalid configuration of '{factory.PolicyType}': {string.Join("; ", problems)}");
        var directory = PolicyCheckpoint.Resolve(checkpoint);
        PolicyCheckpoint.ReadConfig(directory, factory.ConfigType, out var features);
        var trainer = new PolicyTrainer(factory, config, features, FeatureNormalizer.Load(directory), reader, options, 0);
        try
        {
            var weights = Safetensors.Load(Path.Combine(directory, PolicyCheckpoint.ModelFile));
            try
            {
                using (NewDisposeScope()) ModuleWeights.Copy(trainer.Model, weights, strict: true);
                trainer._ema?.Load(weights);
            }
            catch (Exception e) when (e is not RobotHostException)
            {
                throw new RobotHostException($"the weights of '{directory}' do not fit the {factory.PolicyType} network of this config ({e.Message}); fine-tune without overrides that change the architecture", e);
            }
            finally { foreach (var t in weights.Values) t.Dispose(); }
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    private const string StateFile = "state.json";
    private const string OptimizerFile = "optimizer.safetensors";

    /// <summary>The policy key.</summary>
    public string PolicyType => _factory.PolicyType;

    /// <summary>The config being trained.</summary>
    public PolicyConfig Config { get; }

    /// <summary>Run settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public PolicyModel Model { get; }

    /// <summary>The normalisation (from the dataset's stats) saved with every checkpoint.</summary>
    public FeatureNormalizer Normalizer { get; }

    /// <summary>The batch builder (its batches are a function of the step).</summary>
    public BatchBuilder Builder { get; }

    /// <summary>Steps completed.</summary>
    public long Step { get; private set; }

    /// <summary>Share of step wall time spent waiting for data since this trainer started.</summary>
    public double DataWaitFraction => _stepSeconds > 0 ? _loader.WaitTime.TotalSeconds / _stepSeconds : 0;

    /// <summary>Runs one optimiser step on the next batch.</summary>
    public TrainStepResult TrainStep(CancellationToken cancel = default)
    {
        var sw = Stopwatch.StartNew();
        var waitBefore = _loader.WaitTime;
        // Seeding every step from (seed, step) makes dropout and latent noise identical after a resume.
        torch.manual_seed(SeedStreams.Derive(Options.Seed, Step, 0x7a11));
        double loss, gradNorm;
        IReadOnlyDictionary<string, double> parts;
        var lrScale = _schedule.Scale(Step);
        using (var scope = NewDisposeScope())
        {
            var host = _loader.Take(Step, cancel);
            var batch = host.ToTensors(_device);
            Model.train();
            var output = Model.ComputeLoss(batch);
            _optimizer.ZeroGrad();
            output.Loss.backward();
            gradNorm = Config.GradClipNorm > 0
                ? nn.utils.clip_grad_norm_(_optimizer.Parameters, Config.GradClipNorm)
                : GlobalNorm();
            _optimizer.Step(lrScale);
            loss = output.Loss.item<float>();
            parts = output.Parts;
        }
        Step++;
        _ema?.Update(Step);
        if (!double.IsFinite(loss))
            throw new RobotHostException($"the loss became {loss} at step {Step}; lower the learning rate (--set lr=…) or check the dataset's statistics");
        var seconds = sw.Elapsed.TotalSeconds;
        _stepSeconds += seconds;
        return new TrainStepResult(Step, loss, parts, _peakLr * lrScale, gradNorm, seconds, (_loader.WaitTime - waitBefore).TotalSeconds);
    }

    private double GlobalNorm()
    {
        double sum = 0;
        foreach (var p in _optimizer.Parameters)
        {
            var g = p.grad;
            if (g is not null) sum += g.pow(2).sum().item<float>();
        }
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Saves <c>&lt;outputDirectory&gt;/checkpoints/&lt;step&gt;/</c> (weights, config, normalisation, training state) and points
    /// <c>checkpoints/last</c> at it. Returns the step folder.
    /// </summary>
    public string SaveCheckpoint(string outputDirectory)
    {
        var checkpoints = Path.Combine(outputDirectory, PolicyCheckpoint.CheckpointsDirectory);
        var directory = Path.Combine(checkpoints, PolicyCheckpoint.StepName(Step));
        var stateDir = Path.Combine(directory, PolicyCheckpoint.TrainingStateDirectory);
        Directory.CreateDirectory(stateDir);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["policy_type"] = PolicyType, ["step"] = Step.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (_ema is not null)
        {
            Safetensors.Save(Path.Combine(directory, PolicyCheckpoint.ModelFile), _ema.Average, metadata);
            ModuleWeights.Save(Model, Path.Combine(stateDir, PolicyCheckpoint.ModelFile), metadata);
        }
        else
        {
            ModuleWeights.Save(Model, Path.Combine(directory, PolicyCheckpoint.ModelFile), metadata);
        }
        PolicyCheckpoint.WriteConfig(directory, PolicyType, Config, Model.Features);
        Normalizer.Save(directory);
        Safetensors.Save(Path.Combine(stateDir, OptimizerFile), _optimizer.StateTensors());
        var state = new JsonObject
        {
            ["step"] = Step,
            ["total_steps"] = Options.TotalSteps,
            ["seed"] = Options.Seed,
            ["prefetch_batches"] = Options.PrefetchBatches,
            ["optimizer_steps"] = _optimizer.StepCount,
            ["lr_scale"] = _schedule.Scale(Step),
            ["policy_type"] = PolicyType,
        };
        File.WriteAllText(Path.Combine(stateDir, StateFile), state.ToJsonString(LearningJson.Options));
        PolicyCheckpoint.UpdateLast(checkpoints, directory);
        return directory;
    }

    /// <summary>A ready policy from the current weights (EMA weights when EMA is on), independent of this trainer.</summary>
    public IPolicy CreatePolicy()
    {
        var model = _factory.CreateModel(Config, Model.Features);
        using (var scope = NewDisposeScope())
            ModuleWeights.Copy(model, _ema?.Average ?? Model.state_dict(), strict: true);
        return _factory.CreatePolicy(model, Config, Normalizer);
    }

    /// <summary>Stops the loaders and frees the model and optimiser state.</summary>
    public void Dispose()
    {
        _loader.Dispose();
        _optimizer.Dispose();
        _ema?.Dispose();
        Model.Dispose();
    }
}
