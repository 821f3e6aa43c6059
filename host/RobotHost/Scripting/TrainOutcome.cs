namespace RobotHost.Scripting;

/// <summary>What <see cref="ScriptGlobals.Train"/> produced.</summary>
/// <param name="Checkpoint">The last checkpoint's step folder (evaluate or load it).</param>
/// <param name="Policy">Policy key.</param>
/// <param name="Steps">Steps done.</param>
/// <param name="Losses">Loss of every step, in order.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="DataWaitFraction">Share of step time spent waiting for batches.</param>
public sealed record TrainOutcome(string Checkpoint, string Policy, long Steps, IReadOnlyList<double> Losses, double Seconds, double DataWaitFraction)
{
    /// <summary>Mean loss of the last 10% of steps (a steadier figure than the last step's).</summary>
    public double FinalLoss => Losses.Count == 0 ? double.NaN : Losses.Skip(Losses.Count - Math.Max(1, Losses.Count / 10)).Average();

    /// <inheritdoc />
    public override string ToString() => $"{Policy}: {Steps} steps in {Seconds:F0} s, final loss {FinalLoss:G3} → {Checkpoint}";
}
