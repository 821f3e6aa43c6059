using System.Text.Json;
using RobotHost.Scripting;
using RobotHost.Tests.Scripting;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Evaluation;

/// <summary><c>robothost eval</c> on a real checkpoint (mlp trained briefly on obstacle_2d demonstrations).</summary>
public sealed class EvalCommandTests
{
    [Fact]
    public void Eval_of_a_checkpoint_is_reproducible_and_prints_a_table_or_json()
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var checkpoints = host.RecordAndTrainTwoMlps("""
            var data = Record(new RecordOptions { EnvironmentKey = "obstacle_2d", Root = Out("data"), Episodes = 4, EpisodeTimeS = 10, Realtime = false });
            """, steps: 20);
        var checkpoint = checkpoints[0];

        string[] args = ["eval", "--checkpoint", checkpoint, "--env", "obstacle_2d", "--episodes", "4", "--seed", "500", "--json", "--out", Path.Combine(host.Home, "e1")];
        var first = HostProcess.Run(host.Home, args);
        var again = HostProcess.Run(host.Home, args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        using var a = JsonDocument.Parse(first.Stdout);
        using var b = JsonDocument.Parse(again.Stdout);
        string Numbers(JsonDocument d) => string.Join(";", d.RootElement.GetProperty("episodes").EnumerateArray()
            .Select(e => $"{e.GetProperty("seed")}/{e.GetProperty("success")}/{e.GetProperty("steps")}/{e.GetProperty("max_reward")}"));
        Assert.Equal(Numbers(a), Numbers(b));
        Assert.StartsWith("500/", Numbers(a));
        Assert.Equal("mlp", a.RootElement.GetProperty("policy_type").GetString());
        Assert.True(File.Exists(Path.Combine(host.Home, "e1", "trajectories.png")));

        var table = HostProcess.Run(host.Home, ["eval", "--checkpoint", checkpoint, "--env", "obstacle_2d", "--episodes", "2"]);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("condition", table.Stdout);
        Assert.Contains("results in", table.Stdout);

        // Two checkpoints given: evaluated as one ensemble, both named in the result.
        var ensemble = HostProcess.Run(host.Home, ["eval", "-c", checkpoints[0], "-c", checkpoints[1], "--env", "obstacle_2d", "--episodes", "2", "--json"]);
        Assert.True(ensemble.ExitCode == 0, ensemble.Stderr);
        using var e = JsonDocument.Parse(ensemble.Stdout);
        Assert.Equal("mlp+mlp", e.RootElement.GetProperty("policy_type").GetString());
        Assert.Equal(Path.GetFullPath(checkpoints[1]), Assert.Single(e.RootElement.GetProperty("ensemble").EnumerateArray()).GetString());
        Assert.Equal(2, e.RootElement.GetProperty("episodes").GetArrayLength());

        var missing = HostProcess.Run(host.Home, ["eval", "--checkpoint", Path.Combine(host.Home, "nope"), "--env", "obstacle_2d"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr);
    }
}
