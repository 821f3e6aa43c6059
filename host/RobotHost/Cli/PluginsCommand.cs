using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobotHost.Plugins;

namespace RobotHost.Cli;

/// <summary><c>robothost plugins [--json]</c>: loaded plugins, their keys by kind and origin, and load failures.</summary>
public static class PluginsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON" };
        var command = new Command("plugins", "List loaded plugins (name, version, origin, registered keys by kind) and plugins that failed to load") { json };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            Console.WriteLine(parse.GetValue(json) ? ToJson(session.Plugins) : ToText(session.Plugins));
            return 0;
        }));
        return command;
    }

    /// <summary>The listing as JSON: <c>{ sdk, directories, plugins: [{name, version, sdk, origin, keys: {kind: [..]}}], failures: [{name, path, message}] }</c>.</summary>
    public static string ToJson(PluginHost host)
    {
        var root = new JsonObject
        {
            ["sdk"] = Sdk.SdkVersion.Text,
            ["directories"] = new JsonArray(host.Directories.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
            ["plugins"] = new JsonArray(host.Loaded.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["version"] = p.Version,
                ["sdk"] = p.SdkVersion,
                ["origin"] = p.Origin,
                ["keys"] = KeysByKind(p.Keys),
            }).ToArray()),
            ["failures"] = new JsonArray(host.Failures.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["path"] = f.Path,
                ["message"] = f.Message,
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject KeysByKind(IEnumerable<ComponentRegistration> keys)
    {
        var result = new JsonObject();
        foreach (var group in keys.GroupBy(k => k.Kind.ToString().ToLowerInvariant()))
            result[group.Key] = new JsonArray(group.Select(k => (JsonNode)JsonValue.Create(k.Key)).ToArray());
        return result;
    }

    /// <summary>The listing for people.</summary>
    public static string ToText(PluginHost host)
    {
        var lines = new List<string> { $"RobotHost SDK {Sdk.SdkVersion.Text}; plugin directories: {string.Join(", ", host.Directories)}" };
        if (host.Loaded.Count == 0) lines.Add("no plugins loaded");
        foreach (var p in host.Loaded)
        {
            lines.Add($"{p.Name} {p.Version} (sdk {p.SdkVersion}) from {p.Origin}");
            foreach (var k in p.Keys)
                lines.Add($"    {k.Kind.ToString().ToLowerInvariant(),-13} {k.Key,-18} {k.Description}");
        }
        foreach (var f in host.Failures) lines.Add($"FAILED {f.Message}");
        return string.Join(Environment.NewLine, lines);
    }
}
