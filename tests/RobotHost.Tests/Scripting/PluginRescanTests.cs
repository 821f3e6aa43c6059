using RobotHost.Scripting;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Scripting;

/// <summary>A running host picks up a plugin folder dropped in after start-up, from a script, and uses it.</summary>
public sealed class PluginRescanTests
{
    [Fact]
    public async Task A_script_rescans_and_uses_a_plugin_dropped_into_a_running_host()
    {
        var home = RepoPaths.NewTempDirectory("rescan-home");
        var pluginDir = RepoPaths.NewTempDirectory("rescan-plugins");
        using var session = HostSession.Start(new HostOptions { Paths = new HostPaths(home), IncludeDefaultPluginDirectories = false, PluginDirectories = [pluginDir] });
        Assert.Empty(session.Plugins.Loaded);

        // Dropped in while the host runs.
        PluginFixtureBuilder.CompilePlugin(pluginDir, "Fixture.Dropped", PluginFixtureBuilder.GoodPluginSource("dropped_robot"));
        var script = Path.Combine(home, "rescan.csx");
        File.WriteAllText(script, """
            var added = RescanPlugins();
            var robot = Catalog.CreateRobot("dropped_robot", new Dictionary<string, string> { ["speed"] = "3" });
            robot.Connect();
            Print($"added={string.Join(",", added)} speed={robot.GetObservation().Values["a.pos"]}");
            robot.Dispose();
            """);
        var host = new ScriptHost(session);
        var output = new StringWriter();
        await host.RunAsync(host.Compile(script), new ScriptGlobals(session, script, [], CancellationToken.None, output));

        Assert.Contains("added=Fixture.Dropped speed=3", output.ToString());
        Assert.Single(session.Plugins.Loaded);
    }
}
