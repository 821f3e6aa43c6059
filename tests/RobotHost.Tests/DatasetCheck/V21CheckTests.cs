using System.Text.Json;
using RobotHost.DatasetCheck;
using RobotHost.Recording;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.DatasetCheck;

/// <summary>
/// The check reads through the dataset format, so a LeRobot v2.1 dataset (one parquet per episode, JSON-lines metadata)
/// must give the very same report as the v3.0 dataset it was laid out from: same statuses, summaries, findings, episodes.
/// </summary>
public sealed class V21CheckTests
{
    [Fact]
    public void A_v21_copy_of_a_faulty_recording_gets_the_same_findings_as_the_v30_original()
    {
        var home = RepoPaths.NewTempDirectory("check-v21");
        var v30 = Path.Combine(home, "v30");
        var v21 = Path.Combine(home, "v21");
        using var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(home), PluginDirectories = [RepoPaths.PluginDirectory], IncludeDefaultPluginDirectories = false,
        });
        // Several faults at once, so the comparison covers findings and not only passes.
        new Recorder().Record(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", Root = v30, Episodes = 12, EpisodeTimeS = 20, Realtime = false, Seed = 11,
            TeleopOptions = new Dictionary<string, string> { ["idle_start_s"] = "1.5", ["inconsistent"] = "0.3", ["incomplete"] = "0.2" },
        });
        var format = session.Catalog.DatasetFormat("lerobot");
        DatasetReport original, copy;
        using (var reader = format.Open(v30))
        {
            original = DatasetChecker.Check(reader);
            V21Export.Write(reader, v30, v21);
        }
        Assert.True(File.Exists(Path.Combine(v21, "data", "chunk-000", "episode_000011.parquet")));
        Assert.Contains("\"v2.1\"", File.ReadAllText(Path.Combine(v21, "meta", "info.json")));
        Assert.Same(format, session.Catalog.DatasetFormatFor(v21));
        using (var reader = format.Open(v21)) copy = DatasetChecker.Check(reader);

        Assert.Equal((12, original.Frames), (copy.Episodes, copy.Frames));
        Assert.Equal(JsonSerializer.Serialize(original.Checks), JsonSerializer.Serialize(copy.Checks));
        Assert.Equal(original.Status, copy.Status);
        // The faults were found at all (the equality above is not two empty reports).
        Assert.Equal(CheckStatus.Fail, copy["episode_count"].Status);
        Assert.Equal(12, copy["idle_frames"].Findings.Count(f => f.Message.Contains("idle at the start", StringComparison.Ordinal)));
        Assert.Equal(CheckStatus.Warn, copy["technique_consistency"].Status);
        Assert.NotEqual(CheckStatus.Pass, copy["incomplete_episodes"].Status);
    }
}
