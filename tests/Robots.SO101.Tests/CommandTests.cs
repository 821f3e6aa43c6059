using RobotHost.Plugins.Robots.SO101.Commands;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

public sealed class CommandTests
{
    [Fact]
    public void Setup_motors_gives_factory_servos_ids_1_to_6_at_1_mbps_one_at_a_time()
    {
        // Six factory-new servos (all ID 1), one listening at 115200 baud; the person connects one at a time.
        var chain = new VirtualServoChain(Enumerable.Repeat(1, 6));
        var servos = chain.Servos;
        servos[2].Put(Sts3215.BaudRate, 4);
        foreach (var s in servos) s.Missing = true;
        var connectOrder = new[] { "gripper", "wrist_roll", "wrist_flex", "elbow_flex", "shoulder_lift", "shoulder_pan" };
        var steps = connectOrder.Select((motor, k) => (Func<string, string?>)(q =>
        {
            Assert.Contains($"'{motor}' motor only", q);
            foreach (var s in servos) s.Missing = true;
            servos[k].Missing = false;
            return "";
        })).ToArray();
        using var bus = new VirtualServoBus(chain);
        var op = new ScriptedOperator(steps);
        var code = Wait.Bounded(() => SetupMotorsCommand.Run(["--port", bus.PortPath], new TestContext(op), CancellationToken.None), 60);
        Assert.Equal(0, code);
        foreach (var s in servos) s.Missing = false;
        Assert.Equal(new[] { 6, 5, 4, 3, 2, 1 }, servos.Select(s => s.Id));
        Assert.All(servos, s => Assert.Equal(1_000_000, s.BaudRate));
        Assert.Contains("'gripper' motor id set to 6", op.Said);
    }

    [Fact]
    public void Find_port_names_the_port_that_disappeared()
    {
        var ports = new List<string> { "/dev/ttyACM0", "/dev/ttyACM1" };
        var op = new ScriptedOperator(q => { Assert.Contains("Remove the USB cable", q); ports.Remove("/dev/ttyACM1"); return ""; });
        Assert.Equal(0, FindPortCommand.Run([], new TestContext(op), () => ports.ToList(), CancellationToken.None));
        Assert.Contains("The port of this arm is '/dev/ttyACM1'. Reconnect the USB cable.", op.Said);

        var still = new ScriptedOperator(_ => "");
        var e = Assert.Throws<RobotHostException>(() => FindPortCommand.Run([], new TestContext(still), () => ["/dev/ttyUSB0"], CancellationToken.None));
        Assert.Contains("no port disappeared", e.Message);
    }

    [Fact]
    public async Task Virtual_bus_command_prints_its_port_and_stops_on_cancel()
    {
        using var cancel = new CancellationTokenSource();
        var op = new ScriptedOperator();
        var run = Task.Run(() => VirtualBusCommand.Run(["--motors", "6", "--leader"], new TestContext(op), cancel.Token));
        Assert.True(Wait.Until(() => op.Said.Any(s => s.StartsWith("virtual leader bus", StringComparison.Ordinal))));
        var follower = op.Said.First(s => s.StartsWith("virtual follower bus", StringComparison.Ordinal));
        var path = follower.Split(' ')[3];
        Assert.StartsWith("/dev/pts/", path);
        using (var bus = new FeetechBus(RobotHost.Plugins.Robots.SO101.Transport.SerialServoTransport.Open(path)))
            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, Wait.Bounded(() => bus.BroadcastPing(TimeSpan.FromSeconds(1))));
        cancel.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
