using RobotHost.Benchmarks;
using RobotHost.Tests.Shared;
using Xunit.Abstractions;

namespace RobotHost.Tests.Reliability;

/// <summary>
/// The fault soak for about a minute (the benchmark runs it for 30): <c>record</c>'s recorder on the real SO-101
/// drivers against a follower and a leader on pseudo-terminals whose replies are cut short, corrupted and delayed at
/// random, with status error bits raised in turn, and a video_file camera. Nothing here depends on the machine's
/// speed: counts of what happened, what the dataset holds, and memory after a full collection.
/// </summary>
public sealed class FaultSoakTests(ITestOutputHelper output)
{
    [Fact]
    public void Recording_through_bus_faults_loses_no_frame_saves_readable_episodes_and_ends_with_torque_off()
    {
        var options = new FaultSoakOptions
        {
            Home = RepoPaths.NewTempDirectory("fault-soak"),
            PluginDirectory = RepoPaths.PluginDirectory,
            Duration = TimeSpan.FromSeconds(66),
            EpisodeTimeS = 10,
            ResetTimeS = 1,
            ErrorBitsEveryS = 5,
        };
        var result = FaultSoak.Run(options);
        var summary = result.ToMarkdown(options, options.Duration);
        output.WriteLine(summary);

        Assert.True(result.Record.StopReason == RobotHost.Recording.RecordStopReason.Completed, summary);
        Assert.Equal(6, result.Record.Episodes.Count);
        // Every episode saved, read back by the LeRobot reader with exactly the frames recorded; none dropped.
        Assert.Equal(6, result.DatasetEpisodes);
        Assert.Equal(result.Record.Episodes.Select(e => e.Frames), result.DatasetEpisodeLengths);
        Assert.True(result.FramesLost == 0, summary);
        Assert.All(result.Record.Episodes, e => Assert.True(e.Frames > 0, summary));
        // Each injected kind happened, on both buses, and the driver rode it out by retrying.
        Assert.True(result.FollowerFaults.Dropped > 0 && result.FollowerFaults.Corrupted > 0 && result.FollowerFaults.Delayed > 0, summary);
        Assert.True(result.LeaderFaults.Dropped > 0 && result.LeaderFaults.Corrupted > 0 && result.LeaderFaults.Delayed > 0, summary);
        Assert.True(result.ErrorBitWindows > 0 && result.ErrorBitWarnings > 0, summary);
        Assert.True(result.Retries > 0, summary);
        // Memory: the managed heap after a full collection grows by less than 32 MB over the session.
        Assert.True(result.GcHeapEndMb - result.GcHeapStartMb < 32, summary);
        Assert.True(result.FollowerTorqueOffAtEnd, summary);
    }
}
