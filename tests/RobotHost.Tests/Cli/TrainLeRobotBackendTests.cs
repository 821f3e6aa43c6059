using System.Text.Json.Nodes;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Cli;

/// <summary>
/// <c>robothost train --backend lerobot</c> as a user runs it: the printed lerobot-train command only uses fields LeRobot's
/// config dataclasses have (recorded from LeRobot's source in lerobot_config_fields.json) with values of their types,
/// and <c>--run</c> runs lerobot-train from PATH (here a shell script standing in for it) and imports what it wrote.
/// </summary>
public sealed class TrainLeRobotBackendTests
{
    private static readonly string[] EnvOptions = ["--env-option", "cameras=front", "--env-option", "image_width=32", "--env-option", "image_height=32"];

    [Fact]
    public void Printed_command_uses_only_LeRobot_fields_of_the_right_types_and_run_imports_the_result()
    {
        var home = RepoPaths.NewTempDirectory("train-lerobot");
        var data = Path.Combine(home, "me", "pick");
        var record = HostProcess.Run(home, ["record", "--env", "pick_place", .. EnvOptions, "--root", data, "--episodes", "2", "--episode-time", "2", "--no-realtime"]);
        Assert.True(record.ExitCode == 0, record.Stderr);
        var fields = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "lerobot_config_fields.json")))!;

        foreach (var policy in new[] { "act", "diffusion" })
        {
            var run = HostProcess.Run(home, ["train", "-d", data, "-p", policy, "--preset", "small", "--steps", "500", "-o", Path.Combine(home, "out_" + policy), "--backend", "lerobot", "--gpus", "2"]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            var line = run.Stdout.Trim().Split('\n')[^1];
            Assert.StartsWith("accelerate launch --multi_gpu --num_processes 2 $(which lerobot-train) ", line);
            var args = Arguments(line);
            Assert.Contains($"--policy.type={policy}", args);
            Assert.Contains("--dataset.repo_id=me/pick", args);
            Assert.Contains($"--dataset.root={data}", args);
            Assert.Contains("--steps=500", args);
            Assert.Contains($"--output_dir={Path.Combine(home, "out_" + policy, "lerobot")}", args);
            var types = fields["policies"]![policy]!.AsObject().Concat(fields["base"]!.AsObject()).DistinctBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => kv.Value!["type"]!.GetValue<string>());
            var policyArgs = args.Where(a => a.StartsWith("--policy.", StringComparison.Ordinal) && !a.StartsWith("--policy.type=", StringComparison.Ordinal)).ToList();
            Assert.True(policyArgs.Count > 15, string.Join(" ", policyArgs));
            foreach (var arg in policyArgs)
            {
                var (field, value) = (arg["--policy.".Length..arg.IndexOf('=')], arg[(arg.IndexOf('=') + 1)..]);
                Assert.True(types.TryGetValue(field, out var type), $"{arg}: LeRobot's {policy} config has no field '{field}'");
                Assert.True(Fits(value, type!), $"{arg}: '{value}' is not a {type}");
            }
            // The small presets' CPU backbones are not LeRobot's; the command says so instead of passing them on.
            Assert.Contains("note: vision_backbone_width = ", run.Stderr);
        }
        var act = HostProcess.Run(home, ["train", "-d", data, "-p", "act", "-o", Path.Combine(home, "bad"), "--backend", "lerobot", "--set", "image_keypoints=8"]);
        Assert.Equal(1, act.ExitCode);
        Assert.Contains("error: --set image_keypoints has no LeRobot equivalent", act.Stderr);
        var noLeRobot = HostProcess.Run(home, ["train", "-d", data, "-p", "act", "-o", Path.Combine(home, "none"), "--backend", "lerobot", "--run"],
            environment: new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" });
        Assert.Equal(1, noLeRobot.ExitCode);
        Assert.Contains("error: lerobot-train is not on PATH; install LeRobot (pip install lerobot)", noLeRobot.Stderr);

        // --run: a LeRobot ACT checkpoint made by export-lerobot from a (two-step) RobotHost training stands in for LeRobot's result.
        var trained = Path.Combine(home, "trained");
        var train = HostProcess.Run(home, ["train", "-d", data, "-p", "act", "--preset", "small", "--steps", "2", "-b", "4", "-o", trained,
            "--set", "vision_backbone_width=64", "--set", "vision_backbone_stages=4", "--set", "d_model=32", "--set", "dim_feedforward=64"], TimeSpan.FromMinutes(5));
        Assert.True(train.ExitCode == 0, train.Stderr);
        var pretrained = Path.Combine(home, "pretrained_model");
        var export = HostProcess.Run(home, ["policy", "export-lerobot", "--checkpoint", trained, "--out", pretrained]);
        Assert.True(export.ExitCode == 0, export.Stderr);
        var bin = Path.Combine(home, "bin");
        Directory.CreateDirectory(bin);
        var script = Path.Combine(bin, "lerobot-train");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            printf '%s\n' "$@" > "{{Path.Combine(home, "argv.txt")}}"
            echo "fake lerobot-train: step 1/500"
            out=""
            for a in "$@"; do case "$a" in --output_dir=*) out="${a#--output_dir=}";; esac; done
            mkdir -p "$out/checkpoints/last" && cp -r "{{pretrained}}" "$out/checkpoints/last/pretrained_model"
            """.Replace("\r", "", StringComparison.Ordinal));
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the stand-in lerobot-train is a POSIX shell script");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var output = Path.Combine(home, "run_act");
        var ran = HostProcess.Run(home, ["train", "-d", data, "-p", "act", "--preset", "small", "--steps", "500", "-o", output, "--backend", "lerobot", "--run"],
            environment: new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" });
        Assert.True(ran.ExitCode == 0, ran.Stderr);
        Assert.Contains("fake lerobot-train: step 1/500", ran.Stderr);
        var printed = Arguments(ran.Stdout.Trim().Split('\n')[^2]);
        Assert.Equal(printed.Skip(1), File.ReadAllLines(Path.Combine(home, "argv.txt")));
        var imported = ran.Stdout.Trim().Split('\n')[^1].Trim();
        Assert.Equal(Path.Combine(output, "policy"), imported);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(imported, "config.json")))!;
        Assert.Equal("act", config["policy_type"]!.GetValue<string>());
        Assert.Equal(32, config["d_model"]!.GetValue<int>());
        Assert.True(new FileInfo(Path.Combine(imported, "model.safetensors")).Length > 40_000_000);
    }

    /// <summary>Splits the printed shell line (single-quoted words, as the command quotes them).</summary>
    private static List<string> Arguments(string line)
    {
        var result = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line.Trim())
        {
            if (c == '\'') quoted = !quoted;
            else if (c == ' ' && !quoted) { result.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        result.Add(current.ToString());
        return result;
    }

    private static bool Fits(string value, string type)
    {
        var t = type.Replace(" | None", "", StringComparison.Ordinal);
        return t switch
        {
            "int" => long.TryParse(value, out _) || value is "true" or "false", // replace_final_stride_with_dilation is an int LeRobot fills with a bool
            "float" => double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _),
            "bool" => value is "true" or "false",
            "str" => value.Length > 0,
            _ when t.StartsWith("tuple", StringComparison.Ordinal) || t.StartsWith("list", StringComparison.Ordinal) => JsonNode.Parse(value) is JsonArray,
            _ when t.StartsWith("dict", StringComparison.Ordinal) => JsonNode.Parse(value) is JsonObject,
            _ => false,
        };
    }
}
