using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RobotHost.Tests.Support;

/// <summary>
/// Compiles real plugin assemblies to disk with Roslyn, laid out as the host loads them
/// (<c>&lt;dir&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>), so loader tests run against real files.
/// </summary>
internal static class PluginFixtureBuilder
{
    private static readonly IReadOnlyList<MetadataReference> Framework =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToList();

    /// <summary>The host's real RobotHost.Sdk assembly.</summary>
    public static MetadataReference Sdk => MetadataReference.CreateFromFile(typeof(Sdk.IPluginModule).Assembly.Location);

    /// <summary>Microsoft.Extensions.Logging.Abstractions, which the SDK exposes.</summary>
    public static MetadataReference Logging => MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location);

    /// <summary>Compiles <paramref name="source"/> into <paramref name="path"/>.</summary>
    public static string Compile(string assemblyName, string source, string path, params MetadataReference[] references)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var compilation = CSharpCompilation.Create(assemblyName,
            [CSharpSyntaxTree.ParseText(source)],
            Framework.Concat(references),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var result = compilation.Emit(path);
        if (!result.Success)
            throw new InvalidOperationException($"fixture {assemblyName} does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return path;
    }

    /// <summary>Compiles a plugin into <c>&lt;pluginDir&gt;/&lt;name&gt;/&lt;name&gt;.dll</c>.</summary>
    public static string CompilePlugin(string pluginDir, string name, string source, params MetadataReference[] references) =>
        Compile(name, source, Path.Combine(pluginDir, name, name + ".dll"), references.Length == 0 ? [Sdk, Logging] : references);

    /// <summary>A complete plugin registering robot <paramref name="key"/>; its config validates <c>Speed</c>.</summary>
    public static string GoodPluginSource(string key) => $$"""
        using System.Collections.Generic;
        using RobotHost.Sdk;
        namespace Fixture.Good;
        public sealed record FixtureRobotConfig : ComponentConfig
        {
            public double Speed { get; init; } = 1.0;
            public string Port { get; init; } = "/dev/null";
            public override IEnumerable<string> Validate()
            {
                if (Speed <= 0) yield return $"speed must be positive, got {Speed}";
            }
        }
        public sealed class FixtureRobot(FixtureRobotConfig config) : IRobot
        {
            static readonly string[] Names = ["a.pos", "b.pos"];
            public FixtureRobotConfig Config { get; } = config;
            public string RobotType => "{{key}}";
            public FeatureSpec StateFeature => FeatureSpec.Vector(FeatureKeys.State, Names);
            public FeatureSpec ActionFeature => FeatureSpec.Vector(FeatureKeys.Action, Names);
            public bool IsConnected { get; private set; }
            public void Connect(bool calibrate = false) => IsConnected = true;
            public Observation GetObservation() => new() { Values = new Dictionary<string, float> { ["a.pos"] = (float)Config.Speed, ["b.pos"] = 0 } };
            public RobotAction SendAction(RobotAction action) => action;
            public void Disconnect() => IsConnected = false;
            public void Dispose() => Disconnect();
        }
        public sealed class Module : IPluginModule
        {
            public void Register(IPluginRegistry registry) =>
                registry.AddRobot<FixtureRobotConfig>("{{key}}", (config, context) => new FixtureRobot(config), "a robot made by a test");
        }
        """;
}
