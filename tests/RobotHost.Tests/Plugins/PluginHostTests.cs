using Microsoft.CodeAnalysis;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Plugins;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Plugins;

/// <summary>The plugin host over real plugin assemblies on disk: good ones load, each bad one is reported and skipped.</summary>
public sealed class PluginHostTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDirectory("plugins");

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void BuildFixtures()
    {
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.Good", PluginFixtureBuilder.GoodPluginSource("fixture_robot"));

        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.Throws", """
            using RobotHost.Sdk;
            public sealed class Module : IPluginModule
            {
                public void Register(IPluginRegistry registry) => throw new System.InvalidOperationException("calibration table missing");
            }
            """);

        // An SDK of another major version: same contract names, version 2.0.0.0; the plugin folder holds only the plugin.
        var otherSdkPath = Path.Combine(RepoPaths.NewTempDirectory("sdk2"), "RobotHost.Sdk.dll");
        PluginFixtureBuilder.Compile("RobotHost.Sdk", """
            [assembly: System.Reflection.AssemblyVersion("2.0.0.0")]
            namespace RobotHost.Sdk;
            public interface IPluginRegistry { }
            public interface IPluginModule { void Register(IPluginRegistry registry); }
            """, otherSdkPath);
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.NewSdk", """
            using RobotHost.Sdk;
            public sealed class Module : IPluginModule { public void Register(IPluginRegistry registry) { } }
            """, MetadataReference.CreateFromFile(otherSdkPath));

        // A policy plugin built against another major of the shared learning library (RobotHost.Learning 2.0).
        var otherLearningPath = Path.Combine(RepoPaths.NewTempDirectory("learning2"), "RobotHost.Learning.dll");
        PluginFixtureBuilder.Compile("RobotHost.Learning", """
            [assembly: System.Reflection.AssemblyVersion("2.0.0.0")]
            namespace RobotHost.Learning;
            public static class TorchRuntime { public static void Initialize() { } }
            """, otherLearningPath);
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.NewLearning", """
            using RobotHost.Sdk;
            public sealed class Module : IPluginModule { public void Register(IPluginRegistry registry) => RobotHost.Learning.TorchRuntime.Initialize(); }
            """, PluginFixtureBuilder.Sdk, PluginFixtureBuilder.Logging, MetadataReference.CreateFromFile(otherLearningPath));

        // A plugin that needs a library its folder lacks.
        var helperPath = Path.Combine(RepoPaths.NewTempDirectory("helper"), "Fixture.MotorMath.dll");
        PluginFixtureBuilder.Compile("Fixture.MotorMath", "namespace Fixture.MotorMath; public static class Gains { public static int P => 16; }", helperPath);
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.MissingDep", """
            using RobotHost.Sdk;
            public sealed class Module : IPluginModule
            {
                public void Register(IPluginRegistry registry)
                {
                    if (Fixture.MotorMath.Gains.P != 16) throw new System.Exception("unexpected");
                }
            }
            """, PluginFixtureBuilder.Sdk, PluginFixtureBuilder.Logging, MetadataReference.CreateFromFile(helperPath));

        // Random bytes where a dll should be.
        Directory.CreateDirectory(Path.Combine(_dir, "Fixture.Garbage"));
        File.WriteAllBytes(Path.Combine(_dir, "Fixture.Garbage", "Fixture.Garbage.dll"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251)).ToArray());
    }

    [Fact]
    public void Good_plugin_loads_and_each_bad_one_is_reported_with_its_own_cause()
    {
        BuildFixtures();
        var host = new PluginHost([_dir], NullLoggerFactory.Instance);
        host.LoadAll();

        var good = Assert.Single(host.Loaded);
        Assert.Equal("Fixture.Good", good.Name);
        Assert.Equal(SdkVersion.Text, good.SdkVersion);
        Assert.Equal(Path.Combine(_dir, "Fixture.Good"), good.Origin);
        Assert.Contains(good.Keys, k => k.Kind == ComponentKind.Robot && k.Key == "fixture_robot");

        string Failure(string name) => Assert.Single(host.Failures, f => f.Name == name).Message;
        Assert.Contains("calibration table missing", Failure("Fixture.Throws"));
        Assert.Contains("InvalidOperationException", Failure("Fixture.Throws"));
        Assert.Contains("built against RobotHost.Sdk 2.0", Failure("Fixture.NewSdk"));
        Assert.Contains("rebuild the plugin against RobotHost.Sdk 1.x", Failure("Fixture.NewSdk"));
        Assert.Contains("Fixture.MotorMath", Failure("Fixture.MissingDep"));
        Assert.Contains("dependency", Failure("Fixture.MissingDep"));
        Assert.Contains("not a valid .NET assembly", Failure("Fixture.Garbage"));
        Assert.Contains("built against RobotHost.Learning 2.0", Failure("Fixture.NewLearning"));
        Assert.Contains($"rebuild the plugin against RobotHost.Learning {RobotHost.Learning.LearningVersion.Major}.x", Failure("Fixture.NewLearning"));
        Assert.Equal(5, host.Failures.Count);

        // The good plugin is usable after the failures: the host went on.
        var catalog = new ComponentCatalog(host, new HostPluginContext(NullLoggerFactory.Instance, _dir));
        using var robot = catalog.CreateRobot("fixture_robot", new Dictionary<string, string> { ["speed"] = "2.5" });
        robot.Connect();
        Assert.Equal(2.5f, robot.GetObservation().Values["a.pos"]);
        Assert.Equal(["a.pos", "b.pos"], robot.StateFeature.Names);
    }

    // Every kind a plugin can register, each through its factory; the "legacy_" keys use the SDK 1.0–1.1 instance overloads.
    private const string KindsPluginSource = """
        #pragma warning disable CS0618
        using System;
        using System.Collections.Generic;
        using System.IO;
        using Microsoft.Extensions.Logging;
        using RobotHost.Sdk;
        namespace Fixture.Kinds;
        public sealed record NoConfig : ComponentConfig { }
        public sealed class ContextPolicyFactory(IPluginContext context) : IPolicyFactory
        {
            public IPluginContext Context { get; } = context;
            public Type ConfigType => typeof(NoConfig);
            public IReadOnlyList<string> Presets { get; } = ["default"];
            public ComponentConfig CreateConfig(string? preset) => new NoConfig();
            public IPolicy Load(string checkpointDirectory, IPluginContext loadContext) => throw new RobotHostException("no checkpoints");
        }
        public class MarkerFormat : IDatasetFormat
        {
            public ILoggerFactory? LoggerFactory { get; protected set; }
            public bool CanOpen(string root) => File.Exists(Path.Combine(root, "fixture.marker"));
            public IDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null) => throw new NotSupportedException();
            public IDatasetWriter Resume(string root, DatasetWriterOptions? options = null) => throw new NotSupportedException();
            public IDatasetReader Open(string root) => throw new NotSupportedException();
        }
        public sealed class ContextFormat : MarkerFormat
        {
            public ContextFormat(ILoggerFactory loggerFactory) => LoggerFactory = loggerFactory;
        }
        public sealed class LegacyFormat : MarkerFormat, IUsesPluginContext
        {
            public void UsePluginContext(IPluginContext context) => LoggerFactory = context.LoggerFactory;
        }
        public sealed class Module : IPluginModule
        {
            public void Register(IPluginRegistry registry)
            {
                registry.AddRobot<NoConfig>("throwing_robot", (config, context) => throw new TimeoutException("servo 3 did not answer"));
                registry.AddPolicy("throwing_policy", context => throw new NotSupportedException("this policy needs a GPU"));
                registry.AddPolicy("context_policy", context => new ContextPolicyFactory(context));
                registry.AddDatasetFormat("context_format", context => new ContextFormat(context.LoggerFactory));
                registry.AddPolicy("legacy_policy", new ContextPolicyFactory(null!));
                registry.AddDatasetFormat("legacy_format", new LegacyFormat());
            }
        }
        """;

    private ComponentCatalog KindsCatalog(PluginHost host, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        if (host.Loaded.Count == 0)
        {
            PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.Kinds", KindsPluginSource);
            host.LoadAll();
            Assert.Empty(host.Failures);
        }
        return new ComponentCatalog(host, new HostPluginContext(loggerFactory, _dir));
    }

    private static object? Property(object component, string name) => component.GetType().GetProperty(name)!.GetValue(component);

    [Fact]
    public void A_factory_that_throws_surfaces_its_own_exception_not_a_reflection_wrapper()
    {
        var catalog = KindsCatalog(new PluginHost([_dir], NullLoggerFactory.Instance), NullLoggerFactory.Instance);

        var robot = Assert.Throws<TimeoutException>(() => catalog.CreateRobot("throwing_robot"));
        Assert.Equal("servo 3 did not answer", robot.Message);
        Assert.Contains("Fixture.Kinds.Module", robot.StackTrace);

        // A policy family whose factory throws is not cached: every ask reaches the plugin and gets its own exception.
        for (var attempt = 0; attempt < 2; attempt++)
            Assert.Equal("this policy needs a GPU", Assert.Throws<NotSupportedException>(() => catalog.Policy("throwing_policy")).Message);
    }

    [Fact]
    public void Policy_and_format_factories_receive_the_host_context_once_per_catalog()
    {
        var host = new PluginHost([_dir], NullLoggerFactory.Instance);
        var hostLogging = new NullLoggerFactory();
        var catalog = KindsCatalog(host, hostLogging);

        var policy = catalog.Policy("context_policy");
        Assert.Same(catalog.Context, Property(policy, "Context"));
        Assert.Same(policy, catalog.Policy("context_policy"));

        var format = catalog.DatasetFormat("context_format");
        Assert.Same(hostLogging, Property(format, "LoggerFactory"));
        Assert.Same(format, catalog.DatasetFormat("context_format"));
        var root = RepoPaths.NewTempDirectory("marker-dataset");
        File.WriteAllText(Path.Combine(root, "fixture.marker"), "");
        Assert.Same(format, catalog.DatasetFormatFor(root));

        // Another session's catalog makes its own, with its own context.
        var otherLogging = new NullLoggerFactory();
        var other = KindsCatalog(host, otherLogging);
        Assert.NotSame(policy, other.Policy("context_policy"));
        Assert.Same(otherLogging, Property(other.DatasetFormat("context_format"), "LoggerFactory"));
    }

    [Fact]
    public void Instances_registered_through_the_obsolete_overloads_still_load_and_a_legacy_format_gets_the_context()
    {
        var hostLogging = new NullLoggerFactory();
        var catalog = KindsCatalog(new PluginHost([_dir], NullLoggerFactory.Instance), hostLogging);

        Assert.Same(catalog.Policy("legacy_policy"), catalog.Policy("legacy_policy"));
        Assert.Same(hostLogging, Property(catalog.DatasetFormat("legacy_format"), "LoggerFactory"));
        Assert.Null(catalog.Plugins.Registrations.Single(r => r.Key == "legacy_policy").ConfigType);
    }

    [Fact]
    public void A_format_plugin_built_against_sdk_1_1_registers_an_instance_and_still_gets_the_context()
    {
        // The SDK 1.1 contracts such a plugin compiled against: same names and signatures, assembly version 1.1.0.0.
        var sdk11 = Path.Combine(RepoPaths.NewTempDirectory("sdk11"), "RobotHost.Sdk.dll");
        PluginFixtureBuilder.Compile("RobotHost.Sdk", """
            [assembly: System.Reflection.AssemblyVersion("1.1.0.0")]
            namespace RobotHost.Sdk;
            public sealed class DatasetSchema { }
            public sealed class DatasetWriterOptions { }
            public interface IDatasetWriter : System.IDisposable { }
            public interface IDatasetReader : System.IDisposable { }
            public interface IDatasetFormat
            {
                bool CanOpen(string root);
                IDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null);
                IDatasetWriter Resume(string root, DatasetWriterOptions? options = null);
                IDatasetReader Open(string root);
            }
            public interface IPluginContext { Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory { get; } }
            public interface IUsesPluginContext { void UsePluginContext(IPluginContext context); }
            public interface IPluginRegistry { void AddDatasetFormat(string key, IDatasetFormat format, string description = ""); }
            public interface IPluginModule { void Register(IPluginRegistry registry); }
            """, sdk11, PluginFixtureBuilder.Logging);
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.Sdk11", """
            using System;
            using Microsoft.Extensions.Logging;
            using RobotHost.Sdk;
            public sealed class OldFormat : IDatasetFormat, IUsesPluginContext
            {
                public ILoggerFactory? LoggerFactory { get; private set; }
                public void UsePluginContext(IPluginContext context) => LoggerFactory = context.LoggerFactory;
                public bool CanOpen(string root) => false;
                public IDatasetWriter Create(string root, DatasetSchema schema, DatasetWriterOptions? options = null) => throw new NotSupportedException();
                public IDatasetWriter Resume(string root, DatasetWriterOptions? options = null) => throw new NotSupportedException();
                public IDatasetReader Open(string root) => throw new NotSupportedException();
            }
            public sealed class Module : IPluginModule
            {
                public void Register(IPluginRegistry registry) => registry.AddDatasetFormat("old_format", new OldFormat());
            }
            """, MetadataReference.CreateFromFile(sdk11), PluginFixtureBuilder.Logging);

        var host = new PluginHost([_dir], NullLoggerFactory.Instance);
        host.LoadAll();
        Assert.Empty(host.Failures);
        Assert.Equal("1.1", Assert.Single(host.Loaded).SdkVersion);
        var hostLogging = new NullLoggerFactory();
        var catalog = new ComponentCatalog(host, new HostPluginContext(hostLogging, _dir));
        Assert.Same(hostLogging, Property(catalog.DatasetFormat("old_format"), "LoggerFactory"));
    }

    [Fact]
    public void Rescan_picks_up_a_plugin_folder_dropped_in_later_without_reloading_others()
    {
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.First", PluginFixtureBuilder.GoodPluginSource("first_robot"));
        var host = new PluginHost([_dir], NullLoggerFactory.Instance);
        Assert.Single(host.LoadAll());

        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.Second", PluginFixtureBuilder.GoodPluginSource("second_robot"));
        var added = host.LoadAll();

        Assert.Equal("Fixture.Second", Assert.Single(added).Name);
        Assert.Equal(2, host.Loaded.Count);
        Assert.Empty(host.Failures);
    }

    [Fact]
    public void A_key_registered_twice_is_refused_naming_both_plugins()
    {
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.A", PluginFixtureBuilder.GoodPluginSource("same_robot"));
        PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.B", PluginFixtureBuilder.GoodPluginSource("same_robot"));
        var host = new PluginHost([_dir], NullLoggerFactory.Instance);
        host.LoadAll();

        Assert.Equal("Fixture.A", Assert.Single(host.Loaded).Name);
        var failure = Assert.Single(host.Failures);
        Assert.Contains("'same_robot', already registered by Fixture.A", failure.Message);
    }

    [Fact]
    public void A_plugin_folder_carrying_its_own_libtorch_is_refused()
    {
        var path = PluginFixtureBuilder.CompilePlugin(_dir, "Fixture.Torch", PluginFixtureBuilder.GoodPluginSource("torch_robot"));
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, "libtorch_cpu.so"), [0x7f, (byte)'E', (byte)'L', (byte)'F']);
        var host = new PluginHost([_dir], NullLoggerFactory.Instance);
        host.LoadAll();

        Assert.Empty(host.Loaded);
        Assert.Contains("its own libtorch", Assert.Single(host.Failures).Message);
    }
}
