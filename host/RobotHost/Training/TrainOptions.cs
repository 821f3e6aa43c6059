namespace RobotHost.Training;

/// <summary>What <see cref="TrainingRunner.Train"/> trains, on what, for how long and where it writes.</summary>
public sealed record TrainOptions
{
    /// <summary>Dataset folder (any registered format that recognises it, e.g. LeRobot v3.0).</summary>
    public required string DatasetRoot { get; init; }
    /// <summary>More dataset folders trained on together with <see cref="DatasetRoot"/> (e.g. the corrections recorded since the demonstrations).</summary>
    public IReadOnlyList<string> MoreDatasets { get; init; } = [];
    /// <summary>
    /// Start from this trained checkpoint (folder, or a run folder → its last checkpoint): its network, weights and
    /// normalisation, with a fresh optimiser and schedule of <see cref="Steps"/> steps. Config overrides apply on top.
    /// </summary>
    public string? InitFrom { get; init; }
    /// <summary>Sampling weight per frame source (<c>demo</c>, <c>policy</c>, <c>dagger</c>, <c>takeover</c>); missing ones keep <see cref="SourceWeights.Defaults"/>.</summary>
    public IReadOnlyDictionary<string, string> SourceWeights { get; init; } = new Dictionary<string, string>();
    /// <summary>Policy key (<c>mlp</c>, <c>act</c>, <c>diffusion</c>, <c>flow_matching</c>).</summary>
    public required string PolicyKey { get; init; }
    /// <summary>Preset (<c>paper</c> default, <c>small</c> for CPU minutes).</summary>
    public string? Preset { get; init; }
    /// <summary>Config overrides by name (<c>lr=3e-4</c>, <c>chunk_size=30</c>), snake_case or PascalCase.</summary>
    public IReadOnlyDictionary<string, string> ConfigOverrides { get; init; } = new Dictionary<string, string>();
    /// <summary>Total optimiser steps of the run (a resumed run continues up to this).</summary>
    public long Steps { get; init; } = 1000;
    /// <summary>Batch size override.</summary>
    public int? BatchSize { get; init; }
    /// <summary>Output folder: checkpoints/, train_log.jsonl, train_summary.json, loss_curve.png.</summary>
    public required string OutputDir { get; init; }
    /// <summary>Continue from <c>OutputDir/checkpoints/last</c>.</summary>
    public bool Resume { get; init; }
    /// <summary>Device override (<c>cpu</c>, <c>cuda</c>).</summary>
    public string? Device { get; init; }
    /// <summary>Seed.</summary>
    public long Seed { get; init; } = 1000;
    /// <summary>Save a checkpoint every this many steps (0: only at the end).</summary>
    public long SaveEvery { get; init; }
    /// <summary>Write a log line every this many steps.</summary>
    public long LogEvery { get; init; } = 10;
}
