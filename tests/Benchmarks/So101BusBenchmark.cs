using System.Diagnostics;
using System.IO.Ports;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Transport;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;

namespace RobotHost.Benchmarks;

/// <summary>
/// SO-101 bus cycle over a real pseudo-terminal against the virtual STS3215 bus: SYNC_READ of 6 Present_Position +
/// SYNC_WRITE of 6 Goal_Position (goal ≤ 2 ms p50), the same through the follower's API, and the SerialPort path
/// for comparison (docs/environment.md, the latency trap). Usage: so101 [cycles]
/// </summary>
internal static class So101BusBenchmark
{
    public static void Run(string[] args)
    {
        var cycles = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 5000;
        var dir = Directory.CreateTempSubdirectory("rh-bench-so101").FullName;
        using var arm = VirtualSo101.StartCalibratedArm(dir, "bench");
        foreach (var servo in arm.Servos.Servos) servo.Put(Sts3215.ReturnDelayTime, 0); // as configure_motors leaves it
        byte[] ids = [1, 2, 3, 4, 5, 6];
        var positions = new int[6];
        var goals = new int[6];

        var cycle = new List<double>();
        var readOnly = new List<double>();
        using (var bus = new FeetechBus(SerialServoTransport.Open(arm.PortPath)))
        {
            for (var i = 0; i < 300; i++) bus.SyncRead(Sts3215.PresentPosition, ids, positions); // warm-up (JIT, caches)
            for (var i = 0; i < cycles; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                bus.SyncRead(Sts3215.PresentPosition, ids, positions);
                var t1 = Stopwatch.GetTimestamp();
                for (var j = 0; j < 6; j++) goals[j] = positions[j] + (i % 2 == 0 ? 1 : -1);
                bus.SyncWrite(Sts3215.GoalPosition, ids, goals);
                var t2 = Stopwatch.GetTimestamp();
                readOnly.Add(Ms(t1 - t0));
                cycle.Add(Ms(t2 - t0));
            }
            Console.WriteLine($"(retried transactions: {bus.RetriedTransactions})");
        }

        // Through the device API: GetObservation + SendAction (max_relative_target on → one more sync read per action).
        var ticks = new List<double>();
        using (var follower = new So101Follower(new So101FollowerConfig { Port = arm.PortPath, Id = "bench", CalibrationDir = dir, WatchdogMs = 0 }, new BenchContext()))
        {
            follower.Connect();
            for (var i = 0; i < Math.Min(cycles, 2000) + 100; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var obs = follower.GetObservation();
                follower.SendAction(new RobotAction(obs.Values));
                if (i >= 100) ticks.Add(Ms(Stopwatch.GetTimestamp() - t0));
            }
            follower.Disconnect();
        }

        // The SerialPort path, same request, for comparison.
        var serialPort = new List<double>();
        using (var port = new SerialPort(arm.PortPath, 1_000_000) { ReadTimeout = 200 })
        {
            port.Open();
            var request = FeetechPacket.Instruction(Sts3215.BroadcastId, FeetechInstruction.SyncRead, [56, 2, 1, 2, 3, 4, 5, 6]);
            var reply = new byte[6 * 8];
            for (var i = 0; i < 500; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                port.Write(request, 0, request.Length);
                var got = 0;
                while (got < reply.Length) got += port.Read(reply, got, reply.Length - got);
                if (i >= 50) serialPort.Add(Ms(Stopwatch.GetTimestamp() - t0));
            }
        }

        Console.WriteLine("| measure (pty, virtual STS3215 bus) | samples | p50 | p99 | max |");
        Console.WriteLine("|---|---|---|---|---|");
        Row("sync read 6 × Present_Position + sync write 6 × Goal_Position", cycle);
        Row("sync read 6 × Present_Position alone", readOnly);
        Row("so101_follower GetObservation + SendAction (2 sync reads + 1 sync write)", ticks);
        Row("same sync read through System.IO.Ports.SerialPort", serialPort);
        Directory.Delete(dir, true);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static void Row(string name, List<double> samples) =>
        Console.WriteLine($"| {name} | {samples.Count} | {Machine.Percentile(samples, 50):F3} ms | {Machine.Percentile(samples, 99):F3} ms | {samples.Max():F3} ms |");

    private sealed class BenchContext : IPluginContext
    {
        public Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory { get; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        public string DataDirectory => Path.GetTempPath();
        public IOperatorConsole Operator { get; } = new SilentOperator();
    }

    private sealed class SilentOperator : IOperatorConsole
    {
        public void Say(string message) { }
        public string? Ask(string question, CancellationToken cancel = default) => null;
    }
}
