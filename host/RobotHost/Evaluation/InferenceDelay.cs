using System.Globalization;
using RobotHost.Sdk;

namespace RobotHost.Evaluation;

/// <summary>
/// A simulated inference latency: fixed (<c>150</c>) or drawn per inference from a uniform range
/// (<c>uniform:100-200</c>), in milliseconds. The simulator counts it in control ticks, ⌈D·F/1000⌉ at F fps, so a
/// rollout is the same for the same seed however fast the machine is.
/// </summary>
public sealed record InferenceDelay(double MinMs, double MaxMs)
{
    /// <summary>No delay.</summary>
    public static InferenceDelay None { get; } = new(0, 0);

    /// <summary>True when every inference is instantaneous.</summary>
    public bool IsZero => MaxMs <= 0;

    /// <summary>Parses <c>D</c> or <c>uniform:A-B</c> (milliseconds, A ≤ B).</summary>
    public static InferenceDelay Parse(string text)
    {
        var fix = $"--inference-delay-ms '{text}' is not a delay: give milliseconds (150) or a range (uniform:100-200)";
        var t = text.Trim();
        if (t.StartsWith("uniform:", StringComparison.OrdinalIgnoreCase))
        {
            var range = t["uniform:".Length..].Split('-');
            if (range.Length != 2 || !TryMs(range[0], out var low) || !TryMs(range[1], out var high) || low > high) throw new RobotHostException(fix);
            return new InferenceDelay(low, high);
        }
        return TryMs(t, out var ms) ? new InferenceDelay(ms, ms) : throw new RobotHostException(fix);
    }

    private static bool TryMs(string s, out double ms) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out ms) && ms >= 0 && double.IsFinite(ms);

    /// <summary>The delay of one inference in control ticks at <paramref name="fps"/>, drawn from <paramref name="random"/> for a range.</summary>
    public int SampleTicks(Random random, int fps)
    {
        var ms = MinMs == MaxMs ? MinMs : MinMs + random.NextDouble() * (MaxMs - MinMs);
        return (int)Math.Ceiling(ms * fps / 1000.0 - 1e-9);
    }

    /// <summary><c>150</c> or <c>uniform:100-200</c>.</summary>
    public override string ToString() => MinMs == MaxMs
        ? MinMs.ToString(CultureInfo.InvariantCulture)
        : $"uniform:{MinMs.ToString(CultureInfo.InvariantCulture)}-{MaxMs.ToString(CultureInfo.InvariantCulture)}";
}
