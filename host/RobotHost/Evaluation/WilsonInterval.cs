namespace RobotHost.Evaluation;

/// <summary>
/// A 95% Wilson score interval for a success rate. Unlike the normal approximation it stays inside [0, 1]
/// and is honest at 0/N and N/N, which is where small evaluations of good policies live (Wilson 1927).
/// </summary>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound.</param>
public sealed record WilsonInterval(double Low, double High)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/>.</summary>
    public static WilsonInterval Of(int successes, int trials, double z = Z95)
    {
        if (trials <= 0) return new WilsonInterval(0, 1);
        var p = (double)successes / trials;
        var z2 = z * z;
        var denominator = 1 + z2 / trials;
        var centre = (p + z2 / (2 * trials)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denominator;
        return new WilsonInterval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <inheritdoc />
    public override string ToString() => $"[{Low:P0}, {High:P0}]";
}
