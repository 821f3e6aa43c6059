namespace RobotHost.Tui;

/// <summary>What the train and eval panels start with; the operator changes policy, preset, steps and rollouts by keys.</summary>
public sealed record LearnSettings
{
    /// <summary>Dataset to train on (the TUI's recording folder by default).</summary>
    public required string DatasetRoot { get; init; }
    /// <summary>Corrections dataset the TUI's policy runs record into; training reads it with <see cref="DatasetRoot"/> once it exists.</summary>
    public string? CorrectionsRoot { get; init; }
    /// <summary>Folder that receives one <c>tui-&lt;policy&gt;-&lt;time&gt;</c> training output per run.</summary>
    public required string RunsDirectory { get; init; }
    /// <summary>Policy key (must be trainable by the host).</summary>
    public string PolicyKey { get; init; } = "act";
    /// <summary>Config preset; <c>small</c> trains in CPU minutes.</summary>
    public string? Preset { get; init; } = "small";
    /// <summary>Optimiser steps.</summary>
    public long Steps { get; init; } = 2000;
    /// <summary>Checkpoint to evaluate before any training in this session (training replaces it with its own).</summary>
    public string? Checkpoint { get; init; }
    /// <summary>Environment to evaluate on.</summary>
    public string Env { get; init; } = "pick_place";
    /// <summary>Environment options; null derives cameras and image size from the dataset for <c>pick_place</c>.</summary>
    public IReadOnlyDictionary<string, string>? EnvOptions { get; init; }
    /// <summary>Rollouts per evaluation.</summary>
    public int EvalEpisodes { get; init; } = 10;
    /// <summary>Step limit per rollout; null uses the environment's.</summary>
    public int? EvalMaxSteps { get; init; }
}
