using System.Text.Json;
using RobotHost.Scripting;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Tests.Scripting;

/// <summary>The scripts in scripts/ against the real simulator, dataset and policy plugins, with short settings.</summary>
public sealed class ExampleScriptTests
{
    private static string ScriptPath(string name) => Path.Combine(RepoPaths.Root, "scripts", name);

    [Fact]
    public void Demo_records_trains_corrects_evaluates_and_writes_results()
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var output = Path.Combine(host.Home, "demo");
        var (value, text, _) = host.Run(ScriptPath("demo.csx"), "--quick", "--out", output, "--set", "scheduler=cosine", "--set=warmup_steps=2");

        Assert.Equal(0, value);
        Assert.Contains("condition", text);
        Assert.Contains($"Results in {output}", text);
        // Round 0 is the cloned policy, round 1 the corrected one; each is evaluated on held-out seeds.
        foreach (var round in new[] { "round_0", "round_1" })
        {
            var eval = Path.Combine(output, "correct", round, "eval");
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(eval, "eval.json")));
            Assert.Equal(2, json.RootElement.GetProperty("episodes").GetArrayLength());
            Assert.All(json.RootElement.GetProperty("episodes").EnumerateArray(), e => Assert.True(e.GetProperty("seed").GetInt32() >= 100_000));
            Assert.True(File.Exists(Path.Combine(eval, "success_by_condition.png")));
            Assert.Single(Directory.GetFiles(Path.Combine(eval, "videos"), "*.mp4"));
        }
        Assert.True(File.Exists(Path.Combine(output, "correct", "success_by_round.png")));
        Assert.Contains("success by correction round", text);
        using (var corrections = host.Session.Catalog.DatasetFormat("lerobot").Open(Path.Combine(output, "correct", "corrections")))
            Assert.Single(corrections.Episodes);
        Assert.True(File.Exists(Path.Combine(output, "training_loss.png")));
        Assert.Contains("dataset check:", text);
        Assert.True(Directory.Exists(Path.Combine(output, "check")));
        var results = File.ReadAllText(Path.Combine(output, "results.md"));
        Assert.Contains("# RobotHost demo results", results);
        Assert.Contains("Success by correction round", results);
        using var reader = host.Session.Catalog.DatasetFormat("lerobot").Open(Path.Combine(output, "data"));
        Assert.Equal(3, reader.Episodes.Count);
        // --set reaches the policy config the checkpoint was trained with.
        var config = Directory.GetFiles(Path.Combine(output, "train"), "config.json", SearchOption.AllDirectories).First();
        using var trained = JsonDocument.Parse(File.ReadAllText(config));
        Assert.Equal("cosine", trained.RootElement.GetProperty("scheduler").GetString());
        Assert.Equal(2, trained.RootElement.GetProperty("warmup_steps").GetInt32());
    }

    [Fact]
    public void Multimodal_compares_policies_with_trajectory_plots()
    {
        // One cheap policy keeps this under a minute on 2 cores; the four-policy run is the script's default.
        using var host = new ScriptTestHost(withPlugins: true);
        var output = Path.Combine(host.Home, "mm");
        var (value, text, _) = host.Run(ScriptPath("multimodal.csx"), "--quick", "--out", output, "--policies", "mlp");

        Assert.Equal(0, value);
        Assert.Contains("PassedLeft", text);
        Assert.Contains("obstacle_2d: MLP vs ACT", File.ReadAllText(Path.Combine(output, "results.md")));
        Assert.True(new FileInfo(Path.Combine(output, "trajectories.png")).Length > 2000, "the grid of every policy's trajectories");
        foreach (var policy in new[] { "mlp" })
        {
            Assert.Contains(policy, text);
            Assert.True(new FileInfo(Path.Combine(output, "eval", policy, "trajectories.png")).Length > 2000, policy);
        }
        Assert.True(File.Exists(Path.Combine(output, "comparison.png")));
    }

    [Fact]
    public void Realtime_chunking_sweeps_strategies_and_delays_and_plots_them()
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var output = Path.Combine(host.Home, "rtc");
        var (value, text, _) = host.Run(ScriptPath("realtime-chunking.csx"), "--quick", "--out", output);

        Assert.Equal(0, value);
        var results = File.ReadAllText(Path.Combine(output, "results.md"));
        // Every strategy at every delay, the delay-trained checkpoint conditioned (not guided) under rtc.
        foreach (var row in new[] { "flow_matching, sync", "flow_matching, async", "flow_matching, rtc", "flow_matching trained with delay, async", "flow_matching trained with delay, rtc" })
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(results, $"(?m)^{System.Text.RegularExpressions.Regex.Escape(row)} +\\d").Count);
        using var trained = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "eval", "flow_matching_delay_trained", "rtc-200", "eval.json")));
        Assert.Equal("conditioning", trained.RootElement.GetProperty("rtc_method").GetString());
        Assert.True(trained.RootElement.GetProperty("held_ticks").GetInt32() >= 0);
        using var synced = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "eval", "flow_matching", "sync-200", "eval.json")));
        Assert.True(synced.RootElement.GetProperty("held_ticks").GetInt32() > 0, "sync at 200 ms holds while each chunk is computed");
        Assert.True(new FileInfo(Path.Combine(output, "success.png")).Length > 2000);
        Assert.True(new FileInfo(Path.Combine(output, "boundary.png")).Length > 2000);
        Assert.Contains("results in", text);
    }

    [Theory]
    [InlineData("so101-record.csx")]
    [InlineData("so101-train-eval.csx")]
    public void Real_robot_scripts_compile_and_check_their_arguments(string name)
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var (value, text, script) = host.Run(ScriptPath(name), "--dry-run", "--out", Path.Combine(host.Home, "so101"));
        Assert.False(script.FromCache);
        Assert.Contains("dry run", text);
        Assert.Equal(0, value);
    }

    [Fact]
    public void Real_robot_session_runs_end_to_end_on_the_simulated_rig()
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var output = Path.Combine(host.Home, "so101");
        var record = host.Run(ScriptPath("so101-record.csx"), "--sim", "--episodes", "2", "--episode-time", "1", "--reset-time", "0", "--out", output);
        Assert.Equal(0, record.Value);
        var dataset = Path.Combine(output, "data");
        var (value, text, _) = host.Run(ScriptPath("so101-train-eval.csx"), "--dataset", dataset, "--policy", "mlp", "--steps", "3", "--held-out", "1", "--out", output);
        Assert.Equal(0, value);
        Assert.Contains("MeanAbsErrorDeg", text);
        Assert.Contains("robothost rollout --checkpoint", text);
        Assert.True(File.Exists(Path.Combine(output, "training_loss.png")));
    }

    [Fact]
    public void Cancelling_mid_recording_leaves_a_dataset_that_reads_back()
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var root = Path.Combine(host.Home, "cancelled");
        var path = host.Write("record.csx", $$"""
            Record(new RecordOptions { EnvironmentKey = "obstacle_2d", Root = @"{{root}}", Episodes = 500, EpisodeTimeS = 10, Realtime = false });
            Print("not cancelled");
            """);
        var scriptHost = new ScriptHost(host.Session);
        var script = scriptHost.Compile(path);
        using var cancel = new CancellationTokenSource();
        var output = new StringWriter();
        var run = Task.Run(() => scriptHost.RunAsync(script, new ScriptGlobals(host.Session, path, [], cancel.Token, output)));

        // Cancel (as Ctrl+C does) once the first episodes are on disk.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!run.IsCompleted && DateTime.UtcNow < deadline && !(Directory.Exists(root) && Directory.EnumerateFiles(root, "*.parquet", SearchOption.AllDirectories).Any()))
            Thread.Sleep(50);
        Thread.Sleep(300);
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => run.GetAwaiter().GetResult());
        Assert.DoesNotContain("not cancelled", output.ToString());

        using var reader = host.Session.Catalog.DatasetFormatFor(root).Open(root);
        Assert.InRange(reader.Episodes.Count, 1, 499);
        Assert.Equal(reader.Episodes.Sum(e => (long)e.Length), reader.TotalFrames);
        var last = reader.GetFrame(reader.TotalFrames - 1, withImages: false);
        Assert.Equal(reader.Episodes.Count - 1, last.EpisodeIndex);
        Assert.Equal(3, last.Values[FeatureKeys.State].Length);   // x, y, heading
    }
}
