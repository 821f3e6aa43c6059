using RobotHost.Learning.Tests.Support;
using RobotHost.Plugins.Policies.Act;
using RobotHost.Plugins.Policies.Mlp;
using Xunit.Abstractions;

namespace RobotHost.Learning.Tests;

/// <summary>MLP and ACT (also with keypoint tokens) each overfit the reach task, state-only and from a 32×32 camera; save → load → same actions; resume is exact.</summary>
public sealed class PolicyTrainingTests(ITestOutputHelper output)
{
    private static InMemoryDatasetReader Reach(bool images) => new(ReachTask.Schema(images), ReachTask.Episodes(4, 16, images));

    private static MlpConfig TinyMlp(bool images) => new MlpPolicyFactory().CreateConfig("small") with
    {
        HiddenDims = [64, 64],
        ChunkSize = 1,            // the small preset predicts 16-action chunks; the overfit check is on the next action
        NActionSteps = 1,
        VisionBackboneWidth = 8,
        ImageFeatureDim = 16,
        SpatialKeypoints = 8,
        BatchSize = 16,
        Lr = 3e-3,
        CropPadding = 0,
        NumWorkers = 1,
    };

    private static ActConfig TinyAct() => new ActPolicyFactory().CreateConfig("small") with
    {
        ChunkSize = 5,
        NActionSteps = 5,
        TemporalEnsembleCoeff = null, // the preset ensembles; these tests execute chunks
        DModel = 32,
        NHeads = 2,
        DimFeedforward = 64,
        NEncoderLayers = 1,
        NVaeEncoderLayers = 1,
        LatentDim = 8,
        Dropout = 0.05,
        VisionBackboneWidth = 8,
        Lr = 1e-3,
        LrBackbone = 1e-3,
        WarmupSteps = 10,
        Scheduler = "cosine",
        BatchSize = 16,
        CropPadding = 0,
        NumWorkers = 1,
    };

    [Fact]
    public void Mlp_state_only() => TrainingScenario.Run(new MlpPolicyFactory(), TinyMlp(false), Reach(false), images: false, steps: 200, output);

    [Fact]
    public void Mlp_with_camera() => TrainingScenario.Run(new MlpPolicyFactory(), TinyMlp(true), Reach(true), images: true, steps: 250, output);

    [Fact]
    public void Act_state_only() => TrainingScenario.Run(new ActPolicyFactory(), TinyAct(), Reach(false), images: false, steps: 250, output);

    [Fact]
    public void Act_with_camera() => TrainingScenario.Run(new ActPolicyFactory(), TinyAct(), Reach(true), images: true, steps: 300, output);

    [Fact]
    public void Act_with_camera_and_keypoint_tokens() =>
        TrainingScenario.Run(new ActPolicyFactory(), TinyAct() with { ImageKeypoints = 8 }, Reach(true), images: true, steps: 300, output);
}
