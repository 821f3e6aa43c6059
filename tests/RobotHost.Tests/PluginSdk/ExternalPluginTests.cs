using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Plugins;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

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
            Version = $"{SdkVersion.Text}.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):D3}";
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

        /// <summary>Where built template plugins are dropped (one folder per plugin), for the host to load.</summary>
        public string TemplatePlugins => Path.Combine(Work, "plugins-template");

        private readonly HashSet<string> _generated = [];
        private string? _hive;

        /// <summary>Generates the template for <paramref name="kind"/> (key <c>acme_KIND</c>) once, runs its tests and drops the plugin in <see cref="TemplatePlugins"/>.</summary>
        public void Generate(string kind)
        {
            if (!_generated.Add(kind)) return;
            if (_hive is null)
            {
                _hive = Path.Combine(Work, "hive");
                DotnetCli.Run(Work, "new", "install", Directory.GetFiles(Feed, "RobotHost.Templates.*.nupkg").Single(), "--debug:custom-hive", _hive);
            }
            var name = $"Acme.{char.ToUpperInvariant(kind[0])}{kind[1..]}";
            var output = Path.Combine(Work, "gen", name);
            DotnetCli.Run(Work, "new", "robothost-plugin", "-n", name, "--kind", kind, "--key", $"acme_{kind}", "--sdkVersion", Version, "-o", output, "--debug:custom-hive", _hive);
            var test = DotnetCli.Run(output, "test", $"{name}.Tests", "-nologo");
            Assert.Contains("Passed!", test);
            CopyDirectory(Path.Combine(output, "artifacts", "plugins", name), Path.Combine(TemplatePlugins, name));
        }
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
        foreach (var kind in new[] { "robot", "policy", "dataset" }) _sdk.Generate(kind);
        var pluginDir = _sdk.TemplatePlugins;

        var host = new PluginHost([pluginDir], NullLoggerFactory.Instance);
        host.LoadAll();
        Assert.Empty(host.Failures);
        Assert.Contains(host.Registrations, r => r.Kind == ComponentKind.Robot && r.Key == "acme_robot");
        Assert.Contains(host.Registrations, r => r.Kind == ComponentKind.Policy && r.Key == "acme_policy");
        Assert.Contains(host.Registrations, r => r.Kind == ComponentKind.Dataset && r.Key == "acme_dataset");
        var catalog = new ComponentCatalog(host, new HostPluginContext(NullLoggerFactory.Instance, _sdk.Work));
        Assert.Equal(["default"], catalog.Policy("acme_policy").Presets);

        // The template's format is made from its registered factory with the host's context, and writes through the host.
        var root = Path.Combine(_sdk.Work, "template-dataset");
        var format = catalog.DatasetFormat("acme_dataset");
        using (var writer = format.Create(root, new DatasetSchema("acme", 10, [FeatureSpec.Vector(FeatureKeys.Action, ["joint1.pos"])])))
        {
            writer.AddFrame(new DatasetFrame { Values = new Dictionary<string, float[]> { [FeatureKeys.Action] = [1f] } });
            writer.SaveEpisode("wave");
        }
        Assert.Same(format, catalog.DatasetFormatFor(root));
        using var robot = catalog.CreateRobot("acme_robot", new Dictionary<string, string> { ["max_relative_target"] = "2" });
        robot.Connect();
        var sent = robot.SendAction(RobotAction.FromVector(robot.ActionFeature.Names!, [50f, 0f]));
        Assert.Equal(2f, sent.Values["joint1.pos"]);
    }

    [Fact]
    public void Tui_draws_the_template_robots_bars_over_the_limits_it_states()
    {
        // The host knows no robot by name: the bars span what the plugin states (min/max_position), not SO-101 angles.
        _sdk.Generate("robot");
        _sdk.Generate("teleoperator");
        var home = RepoPaths.NewTempDirectory("tui-template");
        using var session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(home), PluginDirectories = [_sdk.TemplatePlugins], IncludeDefaultPluginDirectories = false,
        });
        using var rig = new RigController(session, new RecordOptions
        {
            RobotKey = "acme_robot", TeleopKey = "acme_teleoperator", CameraKeys = [], Root = Path.Combine(home, "ds"),
            RobotOptions = new Dictionary<string, string> { ["min_position"] = "-30", ["max_position"] = "60", ["max_relative_target"] = "10" },
        });
        rig.Robot.Connect();
        rig.Robot.SendAction(RobotAction.FromVector(rig.Robot.ActionFeature.Names!, [50f, 0f]));
        rig.Robot.GetObservation();

        using var app = Application.Create(new VirtualTimeProvider());
        app.Init(DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(80, 24);
        using var learn = new LearnController(session, new LearnSettings { DatasetRoot = rig.Options.Root, RunsDirectory = Path.Combine(home, "runs") });
        var window = TuiApp.Attach(app, rig, learn, new LogRingSink());
        app.Begin(window);
        app.LayoutAndDraw(true);
        Assert.Contains("joint1", app.Driver.ToString()!);

        Assert.Equal((-30f, 60f), rig.Limits.RangeOf("joint1.pos", 10));
        // joint1 at 10 of [-30, 60]: the marker sits at 4/9 of the bar (a learned ±1 range would pin it to the end).
        var text = window.RigText(40);
        Assert.Contains($"joint1     {JointLimits.Bar(10, -30, 60, 21)}   10.0", text);
        Assert.Contains($"joint2     {JointLimits.Bar(0, -30, 60, 21)}    0.0", text);
        Assert.Equal("█████████┃···········", JointLimits.Bar(10, -30, 60, 21));
        rig.Robot.Disconnect();
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
