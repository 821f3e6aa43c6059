namespace RobotHost.Learning.Policies;

/// <summary>
/// A policy family that can turn a LeRobot <c>pretrained_model</c> folder (config.json, model.safetensors and the
/// normalisation statistics) into a RobotHost checkpoint folder that the ordinary loaders read unchanged, and write one
/// of its own checkpoints back in that layout. Implemented by the policy factory; <c>robothost policy import-lerobot</c>
/// picks the one whose <see cref="LeRobotPolicyTypes"/> holds the folder's config.json <c>type</c>, <c>export-lerobot</c>
/// the one whose key is the checkpoint's <c>policy_type</c>.
/// </summary>
public interface ILeRobotPolicyImporter
{
    /// <summary>LeRobot's <c>type</c> values this family imports (e.g. <c>act</c>).</summary>
    IReadOnlyList<string> LeRobotPolicyTypes { get; }

    /// <summary>Imports <see cref="LeRobotImportRequest.Source"/> into <see cref="LeRobotImportRequest.Output"/>.</summary>
    /// <exception cref="Sdk.RobotHostException">The folder is missing or invalid, or uses something this policy does not support (the message names the field and what to do).</exception>
    LeRobotImportReport ImportLeRobot(LeRobotImportRequest request);

    /// <summary>Writes the RobotHost checkpoint <see cref="LeRobotExportRequest.Checkpoint"/> as a LeRobot pretrained_model folder.</summary>
    /// <exception cref="Sdk.RobotHostException">The checkpoint is missing or invalid, or uses a setting LeRobot's network cannot express (the message names the field and the fix).</exception>
    LeRobotExportReport ExportLeRobot(LeRobotExportRequest request);

    /// <summary>
    /// The LeRobot policy settings that train what <paramref name="config"/> describes (<c>robothost train --backend
    /// lerobot</c>): LeRobot config field → value, and the RobotHost settings LeRobot has no field for.
    /// </summary>
    LeRobotTrainingPlan PlanLeRobotTraining(PolicyConfig config, PolicyFeatures features);
}

/// <summary>The <c>--policy.&lt;field&gt;</c> values of a <c>lerobot-train</c> run equivalent to a RobotHost config.</summary>
/// <param name="LeRobotType">LeRobot's <c>--policy.type</c>.</param>
/// <param name="Fields">LeRobot config field → value (JSON), in LeRobot's field order.</param>
/// <param name="Unmapped">RobotHost config fields whose value LeRobot cannot train with, and what LeRobot does instead.</param>
public sealed record LeRobotTrainingPlan(string LeRobotType, IReadOnlyList<KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>> Fields, IReadOnlyList<LeRobotUnmappedSetting> Unmapped);

/// <summary>A RobotHost config field LeRobot's training has no equivalent for.</summary>
/// <param name="Field">The RobotHost field (snake_case, as <c>--set</c> names it).</param>
/// <param name="Note">What LeRobot does instead.</param>
public sealed record LeRobotUnmappedSetting(string Field, string Note);

/// <summary>What to import and where.</summary>
public sealed record LeRobotImportRequest
{
    /// <summary>LeRobot <c>pretrained_model</c> folder (or a checkpoint folder holding one).</summary>
    public required string Source { get; init; }
    /// <summary>RobotHost checkpoint folder to write (created; must be empty unless <see cref="Overwrite"/>).</summary>
    public required string Output { get; init; }
    /// <summary>Optional LeRobot dataset folder (meta/info.json) the policy was trained on: gives fps and joint names.</summary>
    public string? DatasetRoot { get; init; }
    /// <summary>Frames per second of the training data, when no dataset is given (default 30).</summary>
    public int? Fps { get; init; }
    /// <summary>Replace an existing checkpoint in <see cref="Output"/>.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>What an import wrote.</summary>
/// <param name="Output">The checkpoint folder (pass it to eval, rollout or PolicyLoader).</param>
/// <param name="PolicyType">RobotHost policy type written to config.json.</param>
/// <param name="Parameters">Scalar parameters and buffers copied.</param>
/// <param name="Notes">Decisions the user should know about (defaults filled in, inputs LeRobot's model ignores…).</param>
public sealed record LeRobotImportReport(string Output, string PolicyType, long Parameters, IReadOnlyList<string> Notes);

/// <summary>Which RobotHost checkpoint to export and where.</summary>
public sealed record LeRobotExportRequest
{
    /// <summary>RobotHost checkpoint: a step folder, a checkpoints folder or a training output folder (→ checkpoints/last).</summary>
    public required string Checkpoint { get; init; }
    /// <summary>pretrained_model folder to write (created; must be empty unless <see cref="Overwrite"/>).</summary>
    public required string Output { get; init; }
    /// <summary>Replace an exported policy already in <see cref="Output"/>.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>What an export wrote.</summary>
/// <param name="Output">The pretrained_model folder (LeRobot's <c>--policy.path</c>).</param>
/// <param name="LeRobotType">config.json's <c>type</c>.</param>
/// <param name="Tensors">Tensors in model.safetensors.</param>
/// <param name="Notes">Decisions the user should know about (training-only settings LeRobot keeps elsewhere…).</param>
public sealed record LeRobotExportReport(string Output, string LeRobotType, int Tensors, IReadOnlyList<string> Notes);
