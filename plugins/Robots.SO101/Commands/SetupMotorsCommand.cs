using Microsoft.Extensions.Logging;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Transport;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Commands;

/// <summary>
/// <c>robothost setup-motors --port P</c>: one motor at a time (gripper first, as LeRobot), finds it at any baud rate,
/// then writes its ID (1–6) and the bus baud rate (1 Mbps) (LeRobot MotorsBus.setup_motor).
/// </summary>
internal static class SetupMotorsCommand
{
    public const string Name = "setup-motors";
    public const string Description = "Give each SO-101 servo its ID (1-6) and 1 Mbps, one motor connected at a time: --port /dev/ttyACM0";

    /// <summary>Rates scanned for a factory-new or misconfigured motor (those termios can set).</summary>
    private static readonly int[] ScanRates = [1_000_000, 500_000, 115_200, 57_600, 38_400, 19_200];

    public static int Run(IReadOnlyList<string> args, IPluginContext context, CancellationToken cancel)
    {
        var parsed = new CommandArgs(args, Name, new HashSet<string>(), new HashSet<string> { "--port", "--baud" });
        if (parsed.Help)
        {
            context.Operator.Say("usage: robothost setup-motors --port /dev/ttyACM0 [--baud 1000000]\n" + Description);
            return 0;
        }
        var port = parsed.Value("--port") ?? throw new RobotHostException($"{Name}: --port is required, e.g. --port /dev/ttyACM0 ({SerialPorts.DescribeCandidates()})");
        var baud = parsed.Int("--baud", Sts3215.DefaultBaudRate, Name);
        if (!Sts3215.BaudRateCodes.TryGetValue(baud, out var baudCode))
            throw new RobotHostException($"{Name}: --baud must be one of {string.Join(", ", Sts3215.BaudRateCodes.Keys)}, got {baud}");
        var log = context.LoggerFactory.CreateLogger(Name);
        var op = context.Operator;
        using var bus = new FeetechBus(SerialServoTransport.Open(port, baud), new FeetechBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(100) }, log);
        for (var index = So101Joints.Motors.Count - 1; index >= 0; index--)
        {
            cancel.ThrowIfCancellationRequested();
            var motor = So101Joints.Motors[index];
            var target = So101Joints.Ids[index];
            if (op.Ask($"Connect the controller board to the '{motor}' motor only and press ENTER.", cancel) is null)
                throw new RobotHostException($"{Name} needs a person to connect each motor; run it in a terminal");
            var (foundBaud, foundId) = FindSingleMotor(bus, motor);
            bus.Transport.SetBaudRate(foundBaud);
            var id = (byte)foundId;
            bus.Write(id, Sts3215.TorqueEnable, 0, ignoreFaults: true);
            bus.Write(id, Sts3215.Lock, 0, ignoreFaults: true);
            bus.Write(id, Sts3215.Id, target);
            bus.Write(target, Sts3215.BaudRate, baudCode);
            bus.Transport.SetBaudRate(baud);
            if (!bus.Ping(target))
                throw new RobotHostException($"'{motor}' did not answer as ID {target} at {baud} baud after setup; check its cable and run `robothost setup-motors` again");
            op.Say($"'{motor}' motor id set to {target}");
        }
        op.Say("All motors are set up. Now chain them together and calibrate the arm (`robothost calibrate`).");
        return 0;
    }

    private static (int Baud, int Id) FindSingleMotor(FeetechBus bus, string motor)
    {
        // Two passes, the second with a longer listening window: a busy host must not make a motor "not found".
        foreach (var (rate, window) in ScanRates.Select(r => (r, 250)).Concat(ScanRates.Select(r => (r, 1000))))
        {
            bus.Transport.SetBaudRate(rate);
            var ids = bus.BroadcastPing(TimeSpan.FromMilliseconds(window));
            if (ids.Count == 0) continue;
            if (ids.Count > 1)
                throw new RobotHostException($"several motors answer at {rate} baud (ids {string.Join(", ", ids)}); connect only the '{motor}' motor to the board");
            var model = bus.Read((byte)ids[0], Sts3215.ModelNumberRegister);
            if (model != Sts3215.ModelNumber)
                throw new RobotHostException($"the motor found at {rate} baud with id {ids[0]} has model number {model}, not an STS3215 ({Sts3215.ModelNumber}); connect only the '{motor}' motor");
            return (rate, ids[0]);
        }
        throw new RobotHostException($"motor '{motor}' was not found at any baud rate ({string.Join(", ", ScanRates)}); check that it is connected to the board and that the board is powered");
    }
}
