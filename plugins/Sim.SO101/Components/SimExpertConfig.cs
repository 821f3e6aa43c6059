using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>
/// Config of the <c>sim_expert</c> teleoperator: scripted pick-and-place demonstrations on a rig, with switches that
/// produce the data failure modes of docs/dataset-check.md on purpose (all off by default).
/// </summary>
public sealed record SimExpertConfig : ComponentConfig
{
    /// <summary>Name of the simulated rig whose world the expert plans in.</summary>
    public string Rig { get; init; } = "default";

    /// <summary>Seconds of holding still at the start of each episode (idle frames).</summary>
    public double IdleStartS { get; init; }

    /// <summary>Seconds of holding still after releasing the cube (idle frames before Done).</summary>
    public double IdleEndS { get; init; }

    /// <summary>Probability that an episode is incomplete: never closes the gripper, or stops holding the cube before the bin.</summary>
    public double Incomplete { get; init; }

    /// <summary>Probability that an episode uses another technique: tilted gripper turned 90°, swinging in from the side.</summary>
    public double Inconsistent { get; init; }

    /// <summary>Zone 1–6 that every episode's cube is placed in (no spatial variety); 0 = zone by seed.</summary>
    public int SingleZone { get; init; }

    /// <summary>The planner's options.</summary>
    public ExpertOptions ToOptions() => new(IdleStartS, IdleEndS, Incomplete, Inconsistent);

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var p in SimConfigRules.Rig(Rig)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("idle_start_s", IdleStartS, 60)) yield return p;
        foreach (var p in SimConfigRules.NonNegative("idle_end_s", IdleEndS, 60)) yield return p;
        foreach (var p in SimConfigRules.Probability("incomplete", Incomplete)) yield return p;
        foreach (var p in SimConfigRules.Probability("inconsistent", Inconsistent)) yield return p;
        if (SingleZone is < 0 or > PickPlaceLayout.ZoneCount) yield return $"single_zone must be a zone 1–{PickPlaceLayout.ZoneCount}, or 0 for zones by seed, got {SingleZone}";
    }
}
