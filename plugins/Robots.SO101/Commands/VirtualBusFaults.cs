using System.Globalization;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Commands;

/// <summary>
/// The faults of <c>robothost virtual-bus --faults LIST</c>, a comma-separated list of
/// <c>drop=RATE</c> (a reply loses its last bytes), <c>checksum=RATE</c> (bad checksum), <c>late=RATE</c> (a reply
/// comes <c>late_ms</c> late, default 200), <c>silent=ID[@T]</c> (a servo stops answering, from T seconds),
/// <c>error=ID:BITS[@T]</c> (status error bits, e.g. <c>overload</c> or <c>overheat+voltage</c>), <c>unplug=T</c>
/// (the adapter is pulled after T seconds), <c>drop_bytes=N</c> (3) and <c>seed=N</c> (1). Rates are per reply, 0–1.
/// </summary>
internal sealed class VirtualBusFaults
{
    public const string Syntax = "drop=RATE,checksum=RATE,late=RATE,late_ms=MS,drop_bytes=N,silent=ID[@T],error=ID:BITS[@T],unplug=T,seed=N";

    private static readonly Dictionary<string, ServoStatusError> Bits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["voltage"] = ServoStatusError.InputVoltage, ["angle"] = ServoStatusError.Angle, ["overheat"] = ServoStatusError.Overheat,
        ["overcurrent"] = ServoStatusError.Overcurrent, ["overload"] = ServoStatusError.Overload,
    };

    public double Drop { get; private set; }
    public double Checksum { get; private set; }
    public double Late { get; private set; }
    public int LateMs { get; private set; } = 200;
    public int DropBytes { get; private set; } = 3;
    public int Seed { get; private set; } = 1;
    public List<(int Id, double At)> Silent { get; } = [];
    public List<(int Id, ServoStatusError Error, double At)> Errors { get; } = [];
    public double? UnplugAfter { get; private set; }

    public bool HasRates => Drop > 0 || Checksum > 0 || Late > 0;

    public VirtualFaultRates Rates => new(Drop, Checksum, Late, TimeSpan.FromMilliseconds(LateMs), DropBytes, Seed);

    /// <summary>Parses the list; a mistake is a <see cref="RobotHostException"/> naming the item and the syntax.</summary>
    public static VirtualBusFaults Parse(string text, int motors)
    {
        var faults = new VirtualBusFaults();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw Bad(item, "expected NAME=VALUE");
            var (name, value) = (item[..eq].Trim().ToLowerInvariant(), item[(eq + 1)..].Trim());
            switch (name)
            {
                case "drop": faults.Drop = Rate(item, value); break;
                case "checksum": faults.Checksum = Rate(item, value); break;
                case "late": faults.Late = Rate(item, value); break;
                case "late_ms": faults.LateMs = Whole(item, value, 1, 10_000); break;
                case "drop_bytes": faults.DropBytes = Whole(item, value, 1, 64); break;
                case "seed": faults.Seed = Whole(item, value, int.MinValue, int.MaxValue); break;
                case "unplug": faults.UnplugAfter = Seconds(item, value); break;
                case "silent":
                {
                    var (target, at) = SplitTime(item, value);
                    faults.Silent.Add((Servo(item, target, motors), at));
                    break;
                }
                case "error":
                {
                    var (target, at) = SplitTime(item, value);
                    var colon = target.IndexOf(':');
                    if (colon <= 0) throw Bad(item, $"expected error=ID:BITS with BITS from {string.Join(", ", Bits.Keys)} (join with +)");
                    var error = ServoStatusError.None;
                    foreach (var bit in target[(colon + 1)..].Split('+', StringSplitOptions.TrimEntries))
                        error |= Bits.TryGetValue(bit, out var b) ? b : throw Bad(item, $"unknown error bit '{bit}'; bits: {string.Join(", ", Bits.Keys)}");
                    faults.Errors.Add((Servo(item, target[..colon], motors), error, at));
                    break;
                }
                default:
                    throw Bad(item, $"unknown fault '{name}'");
            }
        }
        return faults;
    }

    /// <summary>One line for the operator.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Drop > 0) parts.Add($"{Drop:P1} of replies cut short by {DropBytes} byte(s)");
        if (Checksum > 0) parts.Add($"{Checksum:P1} with a bad checksum");
        if (Late > 0) parts.Add($"{Late:P1} {LateMs} ms late");
        parts.AddRange(Silent.Select(s => $"servo {s.Id} silent from {s.At:F1} s"));
        parts.AddRange(Errors.Select(e => $"servo {e.Id} reports {e.Error.Describe()} from {e.At:F1} s"));
        if (UnplugAfter is { } t) parts.Add($"unplugged after {t:F1} s");
        return parts.Count == 0 ? "none" : string.Join("; ", parts) + (HasRates ? $" (seed {Seed})" : "");
    }

    private static RobotHostException Bad(string item, string why) =>
        new($"virtual-bus --faults: '{item}': {why}; the list is {Syntax}");

    private static double Rate(string item, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : throw Bad(item, "a rate is a number from 0 to 1 (per reply)");

    private static double Seconds(string item, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t >= 0 && double.IsFinite(t) ? t : throw Bad(item, "a time is a number of seconds, 0 or more");

    private static int Whole(string item, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : throw Bad(item, $"expected a whole number from {min} to {max}");

    private static int Servo(string item, string value, int motors) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id >= 1 && id <= motors ? id : throw Bad(item, $"servo ids are 1–{motors}");

    private static (string Target, double At) SplitTime(string item, string value)
    {
        var at = value.IndexOf('@');
        return at < 0 ? (value, 0) : (value[..at], Seconds(item, value[(at + 1)..]));
    }
}
