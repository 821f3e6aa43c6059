namespace RobotHost.DatasetCheck;

/// <summary>Thresholds of the dataset check; defaults follow common imitation-learning practice and the field's dataset doctors.</summary>
public sealed record DatasetCheckOptions
{
    /// <summary>Fewer episodes than this → FAIL (policies do not learn from a handful).</summary>
    public int FailBelowEpisodes { get; init; } = 20;
    /// <summary>Fewer episodes than this → WARN (50 is the usual minimum; 150+ to generalise).</summary>
    public int WarnBelowEpisodes { get; init; } = 50;
    /// <summary>Distinct grasp zones below this → WARN.</summary>
    public int MinZones { get; init; } = 6;
    /// <summary>Two grasp poses closer than this (degrees, over the joints that place the hand: pan, lift, elbow) are the same zone.</summary>
    public double ZoneRadiusDeg { get; init; } = 12;
    /// <summary>Idle time at the start or end of an episode above this → WARN.</summary>
    public double IdleSeconds { get; init; } = 1.0;
    /// <summary>A joint moving less than this (its units) counts as still.</summary>
    public double StillTolerance { get; init; } = 0.5;
    /// <summary>A frame interval above this many frame periods is a drop (dataset doctors use 1.5).</summary>
    public double GapFactor { get; init; } = 1.5;
    /// <summary>Two groups of approaches whose mean distance is this many times the spread within each are two strategies.</summary>
    public double StrategySeparation { get; init; } = 4.0;
    /// <summary>Approach signatures (gripper pitch, base swing; degrees RMS) closer than this never count as a different technique.</summary>
    public double TechniqueDistanceDeg { get; init; } = 12;
    /// <summary>Policy chunk size: shorter episodes cannot fill one chunk.</summary>
    public int ChunkSize { get; init; } = 30;
    /// <summary>Also decode video frames (first and last of each episode per camera).</summary>
    public bool CheckVideo { get; init; }
    /// <summary>Where to write PNG plots; null for none.</summary>
    public string? PlotDirectory { get; init; }
}
