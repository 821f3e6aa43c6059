using System.Text.RegularExpressions;
using RobotHost.Tests.Shared;

namespace RobotHost.Tests.Plugins;

/// <summary>
/// The host knows no plugin by name: it reaches robots, cameras, policies, dataset formats and environments only
/// through the SDK and the catalog. Rule checked over every host/**/*.cs: outside <c>//</c> and <c>///</c> comment
/// lines, no string literal is exactly a plugin's key (or the <c>so10</c>/<c>so_10</c> fragment a robot-type test
/// would use). Keys inside longer literals (help texts and messages naming an example) are words for people, not
/// tests. Allowed: defaults — a line with <c>DefaultValueFactory</c>, an options property default
/// (<c>{ get; init; } = "…"</c>) or a member named <c>Default…</c>. One more: the name of the external LeRobot trainer
/// (<c>train --backend lerobot</c>), declared once as <c>BackendName</c>, which is LeRobot the framework and no plugin.
/// And the host assembly references no plugin assembly.
/// </summary>
public sealed class HostKnowsNoPluginTests
{
    private static readonly string[] PluginKeys =
    [
        "so101_follower", "so101_leader", "sim_so101", "sim_expert", "sim_front", "sim_wrist", "opencv", "video_file", "pick_place", "obstacle_2d",
        "lerobot", "act", "mlp", "diffusion", "flow_matching", "so10", "so_10",
    ];

    private static readonly Regex Literal = new("\"((?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.Compiled);
    private static readonly Regex Default = new(@"DefaultValueFactory|\{ get; init; \} = ""|\bDefault\w* =|\bconst string BackendName =", RegexOptions.Compiled);

    /// <summary>Every code line of host/ that tests a plugin by key, as "file:line: text".</summary>
    public static IReadOnlyList<string> Violations(string hostRoot, IReadOnlyCollection<string> keys)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(hostRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(hostRoot, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal) || Default.IsMatch(code)) continue;
                if (Literal.Matches(code).Any(m => keys.Contains(m.Groups[1].Value, StringComparer.OrdinalIgnoreCase)))
                    found.Add($"{relative}:{i + 1}: {code}");
            }
        }
        return found;
    }

    [Fact]
    public void No_host_code_line_tests_a_plugin_key()
    {
        var violations = Violations(Path.Combine(RepoPaths.Root, "host"), PluginKeys);
        Assert.True(violations.Count == 0, "the host must reach plugins through the SDK and catalog, not by key:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_rule_catches_a_key_test_and_lets_comments_help_texts_and_defaults_pass()
    {
        // The scan itself must be able to fail: a file with the old robot-type test is caught, the allowed forms are not.
        var root = RepoPaths.NewTempDirectory("host-scan");
        File.WriteAllLines(Path.Combine(root, "Sample.cs"),
        [
            "/// <summary>Opens on <c>sim_so101</c>, \"sim_so101\" in a doc comment.</summary>",
            "// \"pick_place\" in a comment",
            "var robot = new Option<string>(\"--robot\") { Description = \"Robot key, e.g. so101_follower\", DefaultValueFactory = _ => \"sim_so101\" };",
            "public string Env { get; init; } = \"pick_place\";",
            "private static readonly string[] DefaultCameraKeys = [\"sim_front\"];",
            "throw new RobotHostException(\"pass --teleop (e.g. sim_expert or so101_leader)\");",
            "var fixedRange = robotType.Contains(\"so10\", StringComparison.OrdinalIgnoreCase);",
            "if (settings.Env != \"pick_place\") return null;",
        ]);
        var violations = Violations(root, PluginKeys);
        Assert.Equal(["Sample.cs:7", "Sample.cs:8"], violations.Select(v => string.Join(':', v.Split(':').Take(2))));
    }

    [Fact]
    public void Host_assembly_references_no_plugin_assembly()
    {
        var plugins = Directory.GetDirectories(RepoPaths.PluginDirectory).Select(d => Path.GetFileName(d)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.NotEmpty(plugins);
        var referenced = typeof(HostSession).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(referenced, name => name is not null && plugins.Contains(name));
        Assert.Contains("RobotHost.Sdk", referenced);
    }
}
