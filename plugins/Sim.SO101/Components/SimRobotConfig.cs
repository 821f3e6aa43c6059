using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>Config of the <c>sim_so101</c> robot: a simulated SO-101 follower on a pick-and-place table.</summary>
public sealed record SimRobotConfig : ComponentConfig
{
    /// <summary>Name of the simulated rig; cameras and the expert with the same rig see the same world.</summary>
    public string Rig { get; init; } = "default";

    /// <summary>Control rate: physics advances exactly 1/fps per SendAction.</summary>
    public int Fps { get; init; } = 30;

    /// <summary>Largest goal change from the present position per tick, degrees (LeRobot's max_relative_target); 0 = off.</summary>
    public double MaxRelativeTarget { get; init; }

    /// <summary>
    /// Noise on the executed goals of the arm joints, degrees (see <see cref="PickPlace.PickPlaceWorld.ActionNoise"/>);
    /// the recorded action stays the expert's. For recording demonstrations that show recoveries (DART); 0 = off.
    /// </summary>
    public double ActionNoise { get; init; }

    /// <summary>
    /// Share of episodes (0–1) that start from where failed grasps end — beside the cube, or lifted without it — instead
    /// of the rest pose (see <see cref="PickPlace.PickPlaceWorld.RecoveryStarts"/>): demonstrations of a second try. 0 = off.
    /// </summary>
    public double RecoveryStarts { get; init; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate() =>
        SimConfigRules.Rig(Rig).Concat(SimConfigRules.Fps(Fps)).Concat(SimConfigRules.NonNegative("max_relative_target", MaxRelativeTarget, 360))
            .Concat(SimConfigRules.NonNegative("action_noise", ActionNoise, 10))
            .Concat(SimConfigRules.NonNegative("recovery_starts", RecoveryStarts, 1));
}
