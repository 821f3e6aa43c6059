using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Plugins;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.PluginSdk;

/// <summary>
/// The SDK boundary as a third party meets it: the SDK and template are packed, plugins are built outside the
/// repository against the package only, dropped into a plugin directory and used through the host.
/// </summary>
public sealed class ExternalPluginTests : IClassFixture<ExternalPluginTests.PackedSdk>
{
    private readonly PackedSdk _sdk;

    public ExternalPluginTests(PackedSdk sdk) => _sdk = sdk;

    /// <summary>Packs RobotHost.Sdk (from the Release build, under a unique pre-release version) and the template once.</summary>
    public sealed class PackedSdk
    {
        public PackedSdk()
        {
            Work = RepoPaths.NewTempDirectory("sdk-pack");
            Feed = Path.Combine(Work, "feed");
            Version = $"1.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):D3}";
            DotnetCli.Run(RepoPaths.Root, "pack", "sdk/RobotHost.Sdk", "-c", "Release", "--no-build", "-o", Feed, $"-p:PackageVersion={Version}");
            DotnetCli.Run(RepoPaths.Root, "pack", "sdk/templates/RobotHost.Templates", "-c", "Release", "-o", Feed);
            File.WriteAllText(Path.Combine(Work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration><packageSources><add key="robothost-local" value="{Feed}" /></packageSources></configuration>
                """);
        }

        public string Work { get; }
        public string Feed { get; }
        public string Version { get; }
    }

    [Fact]
    public void Packed_sdk_carries_xml_docs_and_repository_metadata()
    {
        var package = Directory.GetFiles(_sdk.Feed, $"RobotHost.Sdk.{_sdk.Version}.nupkg").Single();
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/RobotHost.Sdk.dll");
        Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/RobotHost.Sdk.xml");
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var text = nuspec.ReadToEnd();
        Assert.Contains("<repository type=\"git\"", text);
        Assert.Contains("Microsoft.Extensions.Logging.Abstractions", text);
    }

    [Fact]
    public void Sample_plugin_built_against_the_package_loads_in_the_host_and_works()
    {
        var src = Path.Combine(_sdk.Work, "src", "Acme.CsvTeleop");
        CopyDirectory(Path.Combine(RepoPaths.Root, "sdk", "samples", "Acme.CsvTeleop"), src);
        var pluginDir = Path.Combine(_sdk.Work, "plugins-sample");
        DotnetCli.Run(src, "build", "-c", "Release", $"-p:RobotHostSdkVersion={_sdk.Version}", "-o", Path.Combine(pluginDir, "Acme.CsvTeleop"));
        Assert.False(File.Exists(Path.Combine(pluginDir, "Acme.CsvTeleop", "RobotHost.Sdk.dll")), "the SDK must not be shipped in the plugin folder");

        // Through the real CLI: listed, with where it came from.
        var run = HostProcess.Run(RepoPaths.NewTempDirectory("home"), ["plugins", "--json", "--plugins", pluginDir]);
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var plugin = json.RootElement.GetProperty("plugins").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Acme.CsvTeleop");
        Assert.Equal(Path.Combine(pluginDir, "Acme.CsvTeleop"), plugin.GetProperty("origin").GetString());
        Assert.Equal("csv_replay", plugin.GetProperty("keys").GetProperty("teleoperator")[0].GetString());

        // And used: it replays the file through the SDK types the host shares with it.
        var csv = Path.Combine(_sdk.Work, "wave.csv");
        File.WriteAllText(csv, "shoulder_pan.pos,gripper.pos\n1.5,10\n-2,20\n");
        var host = new PluginHost([pluginDir], NullLoggerFactory.Instance);
        host.LoadAll();
        var catalog = new ComponentCatalog(host, new HostPluginContext(NullLoggerFactory.Instance, _sdk.Work));
        using var teleop = catalog.CreateTeleoperator("csv_replay", new Dictionary<string, string> { ["file"] = csv });
        teleop.Connect();
        Assert.Equal(1.5f, teleop.GetAction().Values["shoulder_pan.pos"]);
        Assert.Equal(20f, teleop.GetAction().Values["gripper.pos"]);
        var missing = Assert.Throws<RobotHostException>(() => catalog.CreateTeleoperator("csv_replay", new Dictionary<string, string> { ["file"] = "/nonexistent.csv" }));
        Assert.Contains("'/nonexistent.csv' does not exist", missing.Message);
    }

    [Fact]
    public void Template_generates_a_plugin_whose_tests_pass_and_which_the_host_loads()
    {
        var hive = Path.Combine(_sdk.Work, "hive");
        DotnetCli.Run(_sdk.Work, "new", "install", Directory.GetFiles(_sdk.Feed, "RobotHost.Templates.*.nupkg").Single(), "--debug:custom-hive", hive);
        var pluginDir = Path.Combine(_sdk.Work, "plugins-template");
        foreach (var kind in new[] { "robot", "policy" })
        {
            var name = $"Acme.{char.ToUpperInvariant(kind[0])}{kind[1..]}";
            var output = Path.Combine(_sdk.Work, "gen", name);
            DotnetCli.Run(_sdk.Work, "new", "robothost-plugin", "-n", name, "--kind", kind, "--key", $"acme_{kind}", "--sdkVersion", _sdk.Version, "-o", output, "--debug:custom-hive", hive);
            var test = DotnetCli.Run(output, "test", $"{name}.Tests", "-nologo");
            Assert.Contains("Passed!", test);
            CopyDirectory(Path.Combine(output, "artifacts", "plugins", name), Path.Combine(pluginDir, name));
        }

        var host = new PluginHost([pluginDir], NullLoggerFactory.Instance);
        host.LoadAll();
        Assert.Empty(host.Failures);
        Assert.Contains(host.Registrations, r => r.Kind == ComponentKind.Robot && r.Key == "acme_robot");
        Assert.Contains(host.Registrations, r => r.Kind == ComponentKind.Policy && r.Key == "acme_policy");
        var catalog = new ComponentCatalog(host, new HostPluginContext(NullLoggerFactory.Instance, _sdk.Work));
        using var robot = catalog.CreateRobot("acme_robot", new Dictionary<string, string> { ["max_relative_target"] = "2" });
        robot.Connect();
        var sent = robot.SendAction(RobotAction.FromVector(robot.ActionFeature.Names!, [50f, 0f]));
        Assert.Equal(2f, sent.Values["joint1.pos"]);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
