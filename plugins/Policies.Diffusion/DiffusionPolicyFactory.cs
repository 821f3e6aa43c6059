using RobotHost.Learning.Generative;
using RobotHost.Learning.Policies;

namespace RobotHost.Plugins.Policies.Diffusion;

/// <summary>The <c>diffusion</c> policy family: presets <c>paper</c> (default) and <c>small</c> (a 2-core CPU in minutes); imports LeRobot Diffusion Policy checkpoints (<see cref="LeRobotDiffusionImporter"/>) and exports to them (<see cref="LeRobotDiffusionExporter"/>).</summary>
public sealed class DiffusionPolicyFactory : GenerativePolicyFactory<DiffusionConfig>, ILeRobotPolicyImporter
{
    /// <summary>Registered key.</summary>
    public const string Key = "diffusion";

    /// <inheritdoc />
    public override string PolicyType => Key;

    /// <summary>
    /// The CPU preset: a 32/64/128 U-Net, a width-16 ResNet18 with 16 keypoints per camera, higher learning rate
    /// and short warm-up for runs of a few thousand steps; the paper's horizons, schedule and DDIM-10 sampling.
    /// Sized for a 30 Hz tick on a 2-core CPU: one sample with a 96×96 camera takes 30 ms (64/128/256: 81 ms);
    /// <c>--set down_dims=[64,128,256]</c> for more capacity.
    /// </summary>
    public static DiffusionConfig Small { get; } = new()
    {
        DownDims = [32, 64, 128],
        StepEmbedDim = 64,
        SpatialKeypoints = 16,
        VisionBackboneWidth = 16,
        Lr = 1e-3,
        WarmupSteps = 100,
        BatchSize = 64,
    };

    /// <inheritdoc />
    public IReadOnlyList<string> LeRobotPolicyTypes { get; } = [LeRobotDiffusionImporter.LeRobotType];

    /// <inheritdoc />
    public LeRobotImportReport ImportLeRobot(LeRobotImportRequest request) => LeRobotDiffusionImporter.Import(request);

    /// <inheritdoc />
    public LeRobotExportReport ExportLeRobot(LeRobotExportRequest request) => LeRobotDiffusionExporter.Export(request);

    /// <inheritdoc />
    public LeRobotTrainingPlan PlanLeRobotTraining(PolicyConfig config, PolicyFeatures features) => LeRobotDiffusionExporter.TrainingPlan((DiffusionConfig)config, features);

    /// <inheritdoc />
    protected override DiffusionConfig SmallPreset => Small;

    /// <inheritdoc />
    protected override PolicyModel CreateModel(DiffusionConfig config, PolicyFeatures features) => new DiffusionModel(config, features);
}
