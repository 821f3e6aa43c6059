using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Commands;

/// <summary>
/// <c>robothost virtual-bus [--motors 6] [--leader] [--faults LIST]</c>: serves emulated STS3215 servos on a
/// pseudo-terminal until Ctrl+C, so every SO-101 command can be tried without an arm; <c>--faults</c> damages the
/// follower bus on purpose (see <see cref="VirtualBusFaults"/>). <c>--leader</c> adds a second arm on its own
/// pseudo-terminal whose joints move slowly by themselves, as if a person moved the leader.
/// </summary>
internal static class VirtualBusCommand
{
    public const string Name = "virtual-bus";
    public const string Description = "Emulate an SO-101 arm (STS3215 servos) on a pseudo-terminal until Ctrl+C; --leader adds a moving leader arm, --faults injects bus faults";

    public static int Run(IReadOnlyList<string> args, IPluginContext context, CancellationToken cancel)
    {
        var parsed = new CommandArgs(args, Name, new HashSet<string> { "--leader" }, new HashSet<string> { "--motors", "--faults" });
        if (parsed.Help)
        {
            context.Operator.Say($"usage: robothost virtual-bus [--motors 6] [--leader] [--faults {VirtualBusFaults.Syntax}]\n" + Description);
            return 0;
        }
        var motors = parsed.Int("--motors", 6, Name);
        if (motors is < 1 or > 253) throw new RobotHostException($"{Name}: --motors must be between 1 and 253, got {motors}");
        var faults = parsed.Value("--faults") is { } list ? VirtualBusFaults.Parse(list, motors) : null;
        var log = context.LoggerFactory.CreateLogger(Name);
        using var follower = new VirtualServoBus(new VirtualServoChain(Enumerable.Range(1, motors)));
        context.Operator.Say($"virtual follower bus: {follower.PortPath} ({motors} STS3215 servos, IDs 1–{motors}, 1000000 baud)");
        if (faults is not null)
        {
            if (faults.HasRates) follower.Servos.SetFaultRates(faults.Rates);
            context.Operator.Say($"faults on the follower bus: {faults.Describe()}");
        }
        using var leader = parsed.Flag("--leader") ? new VirtualServoBus(new VirtualServoChain(Enumerable.Range(1, motors))) : null;
        if (leader is not null)
            context.Operator.Say($"virtual leader bus:   {leader.PortPath} (joints move by themselves, torque off)");
        context.Operator.Say($"e.g. robothost calibrate --robot so101_follower --robot-option port={follower.PortPath} --robot-option id=virtual");
        context.Operator.Say("Press Ctrl+C to stop.");
        log.LogInformation("virtual bus on {Port}", follower.PortPath);
        var t0 = DateTime.UtcNow;
        var pending = faults is null ? [] : TimedFaults(faults, follower);
        while (!cancel.WaitHandle.WaitOne(20))
        {
            var elapsed = (DateTime.UtcNow - t0).TotalSeconds;
            foreach (var fault in pending.Where(f => f.At <= elapsed).ToList())
            {
                pending.Remove(fault);
                context.Operator.Say($"{elapsed:F1} s: {fault.Apply()}");
            }
            if (follower.IsUnplugged)
            {
                Summarise(context, follower, faults);
                context.Operator.Say("virtual bus stopped (unplugged)");
                return 0;
            }
            if (leader is null) continue;
            // A person moving the leader: slow, different sine per joint, ±25° around the middle.
            var t = (DateTime.UtcNow - t0).TotalSeconds;
            foreach (var servo in leader.Servos.Servos)
                if (!servo.TorqueEnabled)
                    servo.MoveByHand(Sts3215.HalfTurn + (int)(280 * Math.Sin(t * (0.3 + 0.1 * servo.Id))));
        }
        Summarise(context, follower, faults);
        context.Operator.Say("virtual bus stopped");
        return 0;
    }

    /// <summary>The timed faults of <paramref name="faults"/>: silent servos, error bits, the unplug (last at equal times).</summary>
    private static List<(double At, Func<string> Apply)> TimedFaults(VirtualBusFaults faults, VirtualServoBus bus)
    {
        var timed = new List<(double At, Func<string> Apply)>();
        foreach (var (id, at) in faults.Silent)
            timed.Add((at, () => { bus.Servos[id].Missing = true; return $"servo {id} stops answering"; }));
        foreach (var (id, error, at) in faults.Errors)
            timed.Add((at, () => { bus.Servos[id].InjectedError |= error; return $"servo {id} reports {error.Describe()}"; }));
        if (faults.UnplugAfter is { } t)
            timed.Add((t, () => { bus.Unplug(); return $"unplugged {bus.PortPath}"; }));
        return timed;
    }

    private static void Summarise(IPluginContext context, VirtualServoBus bus, VirtualBusFaults? faults)
    {
        if (faults is null || !faults.HasRates) return;
        var (dropped, corrupted, delayed) = bus.Servos.RandomFaultsInjected;
        context.Operator.Say($"faults injected: {dropped} replies cut short, {corrupted} bad checksums, {delayed} late");
    }
}
