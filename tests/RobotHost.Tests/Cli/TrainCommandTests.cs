using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Cli;

/// <summary>
/// Record, train and evaluate end to end, as a user runs it: <c>robothost record</c> a simulated dataset, <c>robothost train</c> an mlp on
/// it, then <c>robothost eval</c> the checkpoint — three child processes sharing one data directory.
/// </summary>
public sealed class TrainCommandTests
{
    // One small camera keeps the run short on a shared 2-core machine; eval renders the same camera at the same size.
    private static readonly string[] EnvOptions = ["--env-option", "cameras=front", "--env-option", "image_width=32", "--env-option", "image_height=32"];

    [Fact]
    public void Record_train_and_eval_from_the_command_line_leave_a_usable_checkpoint_log_and_plot()
    {
        var home = RepoPaths.NewTempDirectory("train-cli");
        var data = Path.Combine(home, "pick");
        var output = Path.Combine(home, "run");

        var record = HostProcess.Run(home, ["record", "--env", "pick_place", .. EnvOptions, "--root", data, "--episodes", "2", "--episode-time", "2", "--task", "pick the cube"]);
        Assert.True(record.ExitCode == 0, record.Stderr);

        var train = HostProcess.Run(home, ["train", "--dataset", data, "--policy", "mlp", "--preset", "small", "--steps", "30", "--batch-size", "8", "--log-every", "5", "--out", output],
            TimeSpan.FromMinutes(5));
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("done: 30 steps", train.Stderr);

        // The checkpoint of step 30 (stdout names it; checkpoints/last points at it): weights, config, normalisation.
        var checkpoint = train.Stdout.Trim().Split('\n')[^1].Trim();
        Assert.Equal(Path.Combine(output, "checkpoints", "000030"), Path.GetFullPath(checkpoint));
        Assert.Equal(Path.GetFullPath(checkpoint), Path.GetFullPath(LastCheckpoint(output)));
        var weights = new FileInfo(Path.Combine(checkpoint, "model.safetensors"));
        Assert.True(weights.Exists && weights.Length > 1000, "model.safetensors missing or empty");
        // safetensors: 8-byte little-endian header length, then a JSON header naming every tensor.
        using (var stream = weights.OpenRead())
        {
            var length = new byte[8];
            stream.ReadExactly(length);
            var header = new byte[BitConverter.ToInt64(length)];
            stream.ReadExactly(header);
            var tensors = JsonNode.Parse(header)!.AsObject();
            Assert.Contains(tensors, t => t.Key != "__metadata__" && t.Value!["dtype"]!.GetValue<string>() == "F32");
        }
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "config.json")))!;
        Assert.Equal("mlp", config["policy_type"]!.GetValue<string>());
        Assert.Equal(30, config["fps"]!.GetValue<int>());
        var inputs = config["input_features"]!.AsArray().Select(f => f!.ToJsonString()).ToList();
        Assert.Contains(inputs, f => f.Contains("observation.state", StringComparison.Ordinal));
        Assert.Contains(inputs, f => f.Contains("observation.images.front", StringComparison.Ordinal));
        var normalization = File.ReadAllText(Path.Combine(checkpoint, "normalization.json"));
        Assert.Contains("observation.state", normalization);
        Assert.Contains("action", normalization);

        // The loss curve is a real PNG, and the JSON log has one parseable line per logged step with a finite loss.
        var png = File.ReadAllBytes(Path.Combine(output, "loss_curve.png"));
        Assert.True(png.Length > 1000 && png[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "loss_curve.png is not a PNG");
        var lines = File.ReadAllLines(Path.Combine(output, "train_log.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.True(lines.Count >= 6, $"{lines.Count} log lines for 30 steps logged every 5");
        var steps = lines.Where(l => l.RootElement.TryGetProperty("step", out _)).Select(l => l.RootElement.GetProperty("step").GetInt64()).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.Equal(30, steps[^1]);
        Assert.All(lines.Where(l => l.RootElement.TryGetProperty("loss", out _)), l => Assert.True(double.IsFinite(l.RootElement.GetProperty("loss").GetDouble())));

        // The same seed in a new process draws the same batches, dropout and noise: the logged losses repeat.
        var again = HostProcess.Run(home, ["train", "--dataset", data, "--policy", "mlp", "--preset", "small", "--steps", "30", "--batch-size", "8", "--log-every", "5", "--out", output + "-again"],
            TimeSpan.FromMinutes(5));
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(Losses(output), Losses(output + "-again"));

        // The checkpoint loads and runs on the simulator.
        var eval = HostProcess.Run(home, ["eval", "--checkpoint", checkpoint, "--env", "pick_place", .. EnvOptions, "--episodes", "2", "--max-steps", "30", "--json", "--out", Path.Combine(home, "eval")]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using var result = JsonDocument.Parse(eval.Stdout);
        Assert.Equal("mlp", result.RootElement.GetProperty("policy_type").GetString());
        Assert.Equal(2, result.RootElement.GetProperty("episodes").GetArrayLength());
        Assert.All(result.RootElement.GetProperty("episodes").EnumerateArray(), e => Assert.InRange(e.GetProperty("steps").GetInt32(), 1, 30));
    }

    private static List<string> Losses(string output) =>
        File.ReadAllLines(Path.Combine(output, "train_log.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)
            .Where(l => l["loss"] is not null).Select(l => $"{l["step"]}: {l["loss"]!.GetValue<double>():G9}").ToList();

    // checkpoints/last is a symlink, or a text file naming the step folder where links are unavailable.
    private static string LastCheckpoint(string output)
    {
        var last = Path.Combine(output, "checkpoints", "last");
        var info = new DirectoryInfo(last);
        if (info.LinkTarget is { } target) return Path.Combine(output, "checkpoints", target);
        return Path.Combine(output, "checkpoints", File.ReadAllText(last).Trim());
    }
}
