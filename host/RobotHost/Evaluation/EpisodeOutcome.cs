using System.Text.Json.Serialization;

namespace RobotHost.Evaluation;

/// <summary>One closed-loop rollout.</summary>
public sealed record EpisodeOutcome
{
    /// <summary>Rollout number, from 0.</summary>
    public required int Episode { get; init; }

    /// <summary>Seed the environment was reset with.</summary>
    public required int Seed { get; init; }

    /// <summary>The environment's condition (zone, side).</summary>
    public required string Condition { get; init; }

    /// <summary>True when the task succeeded and the policy never produced an invalid action.</summary>
    public required bool Success { get; init; }

    /// <summary>Steps taken.</summary>
    public required int Steps { get; init; }

    /// <summary>Highest reward reached.</summary>
    public required float MaxReward { get; init; }

    /// <summary>Why the rollout was failed by the evaluator (invalid action), or null.</summary>
    public string? InvalidAction { get; init; }

    /// <summary>Ticks the robot held its last action while waiting for a chunk.</summary>
    public int HeldTicks { get; init; }

    /// <summary>Action steps and jerk at chunk boundaries against within chunks.</summary>
    public ActionSmoothness Smoothness { get; init; } = new();

    /// <summary>Each environment diagnostic at the end of the rollout (e.g. <c>collisions</c> ticks, <c>side</c> passed).</summary>
    public IReadOnlyDictionary<string, float> Info { get; init; } = new Dictionary<string, float>();

    /// <summary>True when the environment reported a collision.</summary>
    public bool Collided => Info.TryGetValue("collisions", out var c) && c > 0;

    /// <summary>x/y of the trajectory keys per step (obstacle_2d), empty when the task has none.</summary>
    [JsonIgnore]
    public IReadOnlyList<(float X, float Y)> Trajectory { get; init; } = [];
}
