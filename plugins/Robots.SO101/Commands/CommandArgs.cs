using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101.Commands;

/// <summary>Tiny parser for plugin command words: <c>--name value</c>, <c>--name=value</c> and <c>--flag</c>.</summary>
internal sealed class CommandArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public CommandArgs(IReadOnlyList<string> args, string command, IReadOnlySet<string> flags, IReadOnlySet<string> options)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (word is "-h" or "--help") { Help = true; continue; }
            if (!word.StartsWith("--", StringComparison.Ordinal))
                throw new RobotHostException($"{command}: unexpected '{word}'; options: {string.Join(", ", flags.Concat(options).Order())}");
            var eq = word.IndexOf('=');
            var name = eq > 0 ? word[..eq] : word;
            if (flags.Contains(name)) { _values[name] = null; continue; }
            if (!options.Contains(name))
                throw new RobotHostException($"{command}: unknown option '{name}'; options: {string.Join(", ", flags.Concat(options).Order())}");
            if (eq > 0) _values[name] = word[(eq + 1)..];
            else if (i + 1 < args.Count) _values[name] = args[++i];
            else throw new RobotHostException($"{command}: {name} needs a value");
        }
    }

    public bool Help { get; }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback, string command)
    {
        var v = Value(name);
        if (v is null) return fallback;
        return int.TryParse(v, out var n) ? n : throw new RobotHostException($"{command}: {name} must be a whole number, got '{v}'");
    }
}
