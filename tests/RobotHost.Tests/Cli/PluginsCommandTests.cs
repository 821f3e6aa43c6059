using System.Text.Json;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Cli;

/// <summary>`robothost plugins` and the CLI's error policy, run as a real process.</summary>
public sealed class PluginsCommandTests
{
    [Fact]
    public void Plugins_json_is_parseable_and_lists_loaded_plugins_and_failures()
    {
        var home = RepoPaths.NewTempDirectory("home");
        var extra = RepoPaths.NewTempDirectory("extra-plugins");
        PluginFixtureBuilder.CompilePlugin(extra, "Fixture.Cli", PluginFixtureBuilder.GoodPluginSource("cli_robot"));
        PluginFixtureBuilder.CompilePlugin(extra, "Fixture.Broken", """
            using RobotHost.Sdk;
            public sealed class Module : IPluginModule { public void Register(IPluginRegistry r) => throw new System.Exception("no bus"); }
            """);

        var run = HostProcess.Run(home, ["plugins", "--json", "--plugins", extra]);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var plugins = json.RootElement.GetProperty("plugins").EnumerateArray().ToList();
        var cli = Assert.Single(plugins, p => p.GetProperty("name").GetString() == "Fixture.Cli");
        Assert.Equal(Path.Combine(extra, "Fixture.Cli"), cli.GetProperty("origin").GetString());
        Assert.Equal("cli_robot", cli.GetProperty("keys").GetProperty("robot")[0].GetString());
        var failure = Assert.Single(json.RootElement.GetProperty("failures").EnumerateArray(), f => f.GetProperty("name").GetString() == "Fixture.Broken");
        Assert.Contains("no bus", failure.GetProperty("message").GetString());
        Assert.Contains(extra, json.RootElement.GetProperty("directories").EnumerateArray().Select(d => d.GetString()));
        // Every log line goes to the file, never into the JSON on stdout.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(home, "logs"), "robothost-*.log"));
    }

    [Fact]
    public void Unknown_command_is_one_clear_line_and_a_non_zero_exit()
    {
        var run = HostProcess.Run(RepoPaths.NewTempDirectory("home"), ["calibrat"]);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: unknown command 'calibrat'; commands:", run.Stderr.Trim());
        Assert.DoesNotContain("   at ", run.Stderr); // no stack trace on the terminal
    }

    [Fact]
    public void Every_command_has_help()
    {
        var home = RepoPaths.NewTempDirectory("home");
        var root = HostProcess.Run(home, ["--help"]);
        Assert.Equal(0, root.ExitCode);
        var commands = root.Stdout.Split("Commands:", 2)[1]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Length > 2 && l.StartsWith("  ", StringComparison.Ordinal) && l[2] != ' ') // wrapped descriptions are indented deeper
            .Select(l => l.Trim().Split(' ')[0])
            .ToList();
        Assert.Contains("plugins", commands);
        foreach (var command in commands)
        {
            var help = HostProcess.Run(home, [command, "--help"]);
            Assert.True(help.ExitCode == 0, $"{command} --help exited {help.ExitCode}: {help.Stderr}");
            Assert.Contains("Usage:", help.Stdout);
        }
    }
}
