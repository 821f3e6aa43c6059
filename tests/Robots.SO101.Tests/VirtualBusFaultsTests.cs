using RobotHost.Plugins.Robots.SO101.Commands;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Transport;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary><c>robothost virtual-bus --faults</c>: the faults a driver then meets on the pseudo-terminal, seen through the real bus code.</summary>
public sealed class VirtualBusFaultsTests
{
    private sealed class RunningBus : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();

        public RunningBus(params string[] args)
        {
            Run = Task.Run(() => VirtualBusCommand.Run(args, new TestContext(Operator), _cancel.Token));
            Assert.True(Wait.Until(() => Operator.Said.Any(s => s.StartsWith("virtual follower bus", StringComparison.Ordinal)) || Run.IsCompleted), "the virtual bus did not start");
            if (Run.IsFaulted) throw Run.Exception!.InnerException!;
            Port = Operator.Said.First(s => s.StartsWith("virtual follower bus", StringComparison.Ordinal)).Split(' ')[3];
        }

        public ScriptedOperator Operator { get; } = new();
        public Task<int> Run { get; }
        public string Port { get; }

        public FeetechBus Connect(int replyTimeoutMs = 50) =>
            new(SerialServoTransport.Open(Port), new FeetechBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(replyTimeoutMs), Attempts = 3 });

        /// <summary>The command's exit code once it ends by itself (within <paramref name="seconds"/>).</summary>
        public int Exit(double seconds) => Run.WaitAsync(TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();

        public int Stop()
        {
            _cancel.Cancel();
            return Run.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            _cancel.Cancel();
            try { Run.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        }
    }

    [Fact]
    public void Every_reply_with_a_bad_checksum_makes_reads_fail_as_incorrect_status_packets()
    {
        using var bus = new RunningBus("--faults", "checksum=1");
        Assert.Contains("faults on the follower bus: 100.0% with a bad checksum (seed 1)", bus.Operator.Said.Select(s => s.Replace("100.0 %", "100.0%")));
        using (var driver = bus.Connect())
        {
            var e = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => driver.Read(1, Sts3215.PresentPosition)));
            Assert.Equal(ServoFailure.CorruptReply, e.Failure);
            Assert.Contains("Incorrect status packet", e.Message);
        }
        Assert.Equal(0, bus.Stop());
        Assert.Contains(bus.Operator.Said, s => s.StartsWith("faults injected: 0 replies cut short, ", StringComparison.Ordinal) && !s.Contains(", 0 bad checksums", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_drops_bad_checksums_and_late_replies_are_mostly_retried_away()
    {
        using var bus = new RunningBus("--faults", "drop=0.2,checksum=0.1,late=0.1,late_ms=120,seed=7");
        int ok = 0, failed = 0, retried;
        using (var driver = bus.Connect())
        {
            Wait.Bounded(() =>
            {
                for (var i = 0; i < 40; i++)
                {
                    try { driver.Read((byte)(1 + i % 6), Sts3215.PresentPosition); ok++; }
                    catch (ServoBusException e) when (e.Failure is ServoFailure.CorruptReply or ServoFailure.NoReply) { failed++; }
                }
            }, 60);
            retried = driver.RetriedTransactions;
        }
        Assert.Equal(0, bus.Stop());
        Assert.Equal(40, ok + failed);
        Assert.True(retried >= 5, $"only {retried} transactions needed a retry");
        Assert.True(ok >= 30, $"{failed} of 40 reads failed after three attempts each");
        var summary = Assert.Single(bus.Operator.Said, s => s.StartsWith("faults injected:", StringComparison.Ordinal));
        var counts = System.Text.RegularExpressions.Regex.Matches(summary, @"\d+").Select(m => int.Parse(m.Value)).ToList();
        Assert.All(counts, n => Assert.True(n > 0, summary));
    }

    [Fact]
    public void A_silent_servo_error_bits_and_an_unplug_after_a_time_reach_the_driver()
    {
        using var bus = new RunningBus("--faults", "silent=3,error=2:overload,unplug=2");
        Assert.True(Wait.Until(() => bus.Operator.Said.Any(s => s.EndsWith("servo 2 reports Overload", StringComparison.Ordinal))));
        Assert.Contains(bus.Operator.Said, s => s.EndsWith("servo 3 stops answering", StringComparison.Ordinal));
        using var driver = bus.Connect();
        Assert.True(Wait.Bounded(() => driver.Ping(1)));
        Assert.False(Wait.Bounded(() => driver.Ping(3)));
        var fault = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => driver.Read(2, Sts3215.PresentPosition)));
        Assert.Equal(ServoFailure.ServoFault, fault.Failure);
        Assert.Contains("reports Overload", fault.Message);

        // The unplug ends the command on its own, and the driver's port is dead.
        Assert.Equal(0, bus.Exit(15));
        Assert.Contains(bus.Operator.Said, s => s.EndsWith($"unplugged {bus.Port}", StringComparison.Ordinal));
        Assert.Contains("virtual bus stopped (unplugged)", bus.Operator.Said);
        var lost = Wait.Bounded(() => Assert.Throws<ServoBusException>(() => driver.Read(1, Sts3215.PresentPosition)));
        Assert.Equal(ServoFailure.PortLost, lost.Failure);
    }

    [Theory]
    [InlineData("drop=2", "'drop=2': a rate is a number from 0 to 1")]
    [InlineData("bogus=1", "'bogus=1': unknown fault 'bogus'")]
    [InlineData("error=9:overload", "'error=9:overload': servo ids are 1–6")]
    [InlineData("error=2:melted", "unknown error bit 'melted'")]
    [InlineData("unplug=soon", "'unplug=soon': a time is a number of seconds")]
    public void A_wrong_fault_list_is_an_error_naming_the_item_and_the_syntax(string list, string expected)
    {
        var e = Assert.Throws<RobotHostException>(() => VirtualBusCommand.Run(["--faults", list], new TestContext(), CancellationToken.None));
        Assert.Contains(expected, e.Message);
        Assert.Contains(VirtualBusFaults.Syntax, e.Message);
    }
}
