using RobotHost.Plugins.Robots.SO101.Transport;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Commands;

/// <summary><c>robothost find-port</c>: lists serial ports, asks to unplug the arm, and names the port that disappeared (LeRobot lerobot-find-port).</summary>
internal static class FindPortCommand
{
    public const string Name = "find-port";
    public const string Description = "Find the serial port of an arm: lists ports before and after you unplug its USB cable";

    public static int Run(IReadOnlyList<string> args, IPluginContext context, CancellationToken cancel) =>
        Run(args, context, SerialPorts.Candidates, cancel);

    /// <summary>Runs with a given port lister (tests list a folder of fake device names).</summary>
    public static int Run(IReadOnlyList<string> args, IPluginContext context, Func<IReadOnlyList<string>> listPorts, CancellationToken cancel)
    {
        var parsed = new CommandArgs(args, Name, new HashSet<string>(), new HashSet<string>());
        if (parsed.Help)
        {
            context.Operator.Say("usage: robothost find-port\n" + Description);
            return 0;
        }
        var op = context.Operator;
        var before = listPorts();
        op.Say(before.Count == 0 ? $"No serial ports found ({SerialPorts.Patterns})." : $"Serial ports: {string.Join(", ", before)}");
        var answer = op.Ask("Remove the USB cable from the arm's controller board and press ENTER when done.", cancel);
        if (answer is null) throw new RobotHostException($"{Name} needs a person to unplug the cable; run it in a terminal");
        Thread.Sleep(500); // let udev remove the device node
        var after = listPorts();
        var gone = before.Except(after).ToList();
        switch (gone.Count)
        {
            case 1:
                op.Say($"The port of this arm is '{gone[0]}'. Reconnect the USB cable.");
                return 0;
            case 0:
                throw new RobotHostException($"no port disappeared (before: {Show(before)}; after: {Show(after)}); unplug the arm's USB cable (not its power) and run `robothost find-port` again");
            default:
                throw new RobotHostException($"several ports disappeared ({string.Join(", ", gone)}); unplug only this arm's cable and run `robothost find-port` again");
        }
    }

    private static string Show(IReadOnlyList<string> ports) => ports.Count == 0 ? "none" : string.Join(", ", ports);
}
