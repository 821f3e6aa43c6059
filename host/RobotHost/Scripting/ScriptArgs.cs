using System.Globalization;
using RobotHost.Sdk;

namespace RobotHost.Scripting;

/// <summary>
/// The words after <c>robothost run FILE.csx --</c>, with typed look-ups for <c>--name value</c>, <c>--name=value</c>
/// and flags: <c>Args.Int("episodes", 50)</c>, <c>Args.Flag("quick")</c>. Indexable like a string array.
/// </summary>
public sealed class ScriptArgs(IReadOnlyList<string> words) : IReadOnlyList<string>
{
    private readonly IReadOnlyList<string> _words = words;

    /// <inheritdoc />
    public string this[int index] => _words[index];

    /// <inheritdoc />
    public int Count => _words.Count;

    /// <summary>The value of <c>--name</c>, or null when absent.</summary>
    public string? Get(string name)
    {
        var option = "--" + name.TrimStart('-');
        for (var i = 0; i < _words.Count; i++)
        {
            if (_words[i] == option) return i + 1 < _words.Count ? _words[i + 1] : throw new RobotHostException($"script argument {option} needs a value");
            if (_words[i].StartsWith(option + "=", StringComparison.Ordinal)) return _words[i][(option.Length + 1)..];
        }
        return null;
    }

    /// <summary>Every value of a repeatable <c>--name</c>, in order (empty when absent).</summary>
    public IReadOnlyList<string> All(string name)
    {
        var option = "--" + name.TrimStart('-');
        var values = new List<string>();
        for (var i = 0; i < _words.Count; i++)
        {
            if (_words[i] == option) values.Add(i + 1 < _words.Count ? _words[++i] : throw new RobotHostException($"script argument {option} needs a value"));
            else if (_words[i].StartsWith(option + "=", StringComparison.Ordinal)) values.Add(_words[i][(option.Length + 1)..]);
        }
        return values;
    }

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public string String(string name, string fallback) => Get(name) ?? fallback;

    /// <summary>An integer argument.</summary>
    public int Int(string name, int fallback) => Get(name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new RobotHostException($"script argument --{name} must be a whole number, got '{v}'")
        : fallback;

    /// <summary>A number argument.</summary>
    public double Double(string name, double fallback) => Get(name) is { } v
        ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw new RobotHostException($"script argument --{name} must be a number, got '{v}'")
        : fallback;

    /// <summary>True when <c>--name</c> is present (or <c>--name=true</c>).</summary>
    public bool Flag(string name)
    {
        var option = "--" + name.TrimStart('-');
        return _words.Any(w => w == option || w.Equals(option + "=true", StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => _words.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => string.Join(" ", _words);
}
