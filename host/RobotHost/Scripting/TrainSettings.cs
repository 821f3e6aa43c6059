namespace RobotHost.Scripting;

/// <summary>What <see cref="ScriptGlobals.Train"/> trains: a policy key and preset on a dataset, for a number of steps.</summary>
public sealed record TrainSettings
{
    /// <summary>Dataset folder (any loaded format, e.g. a LeRobot v3 dataset).</summary>
    public required string Dataset { get; init; }

    /// <summary>Policy key: <c>act</c>, <c>diffusion</c>, <c>flow_matching</c>, <c>mlp</c>.</summary>
    public string Policy { get; init; } = "act";

    /// <summary>Config preset (<c>small</c> trains on a 2-core CPU in minutes; <c>paper</c> is the published default).</summary>
    public string? Preset { get; init; } = "small";

    /// <summary>Config overrides as <c>name=value</c> (e.g. <c>batch_size=16</c>, <c>lr=3e-4</c>).</summary>
    public IReadOnlyDictionary<string, string>? Set { get; init; }

    /// <summary>Optimiser steps.</summary>
    public long Steps { get; init; } = 1000;

    /// <summary>Training seed (weights initialisation, batch order, noise).</summary>
    public long Seed { get; init; } = 1000;

    /// <summary>Run folder: <c>checkpoints/&lt;step&gt;/</c> and <c>checkpoints/last</c> go here.</summary>
    public required string OutputDir { get; init; }

    /// <summary>Also save a checkpoint every this many steps (0: only at the end).</summary>
    public long SaveEvery { get; init; }

    /// <summary>More datasets trained on together with <see cref="Dataset"/> (e.g. corrections).</summary>
    public IReadOnlyList<string> MoreDatasets { get; init; } = [];

    /// <summary>Fine-tune from this checkpoint (its network, weights and normalisation; a fresh schedule of <see cref="Steps"/>).</summary>
    public string? InitFrom { get; init; }

    /// <summary>Sampling weight per frame source, e.g. <c>["dagger"] = "2"</c> (defaults: demo, dagger, takeover 1; policy 0).</summary>
    public IReadOnlyDictionary<string, string>? SourceWeights { get; init; }

    /// <summary>Continue the run already in <see cref="OutputDir"/> (without it, an existing run there is an error).</summary>
    public bool Resume { get; init; }
}
