using System.Text;
using System.Text.RegularExpressions;
using RobotHost.Sdk;

namespace RobotHost.Learning.Checkpoints;

/// <summary>
/// One table of weight-name rewrites between a LeRobot policy's state dict and the RobotHost module that reproduces it,
/// read in both directions: import applies the rules in order (LeRobot → RobotHost), export applies them in reverse
/// order with the sides swapped. A rule is a pair of name fragments: <c>^</c> anchors a fragment at the start of the
/// name, otherwise it matches whole dot-separated segments anywhere; <c>{x}</c> is a number carried across
/// (<c>encoder.layers.{i}.</c> ↔ <c>encoder.{i}.</c>).
/// </summary>
public sealed partial class LeRobotNameMap
{
    private readonly IReadOnlyList<(Fragment LeRobot, Fragment RobotHost)> _rules;

    /// <summary>Creates the table from (LeRobot fragment, RobotHost fragment) pairs, applied in this order on import.</summary>
    public LeRobotNameMap(params (string LeRobot, string RobotHost)[] rules) =>
        _rules = rules.Select(r => (new Fragment(r.LeRobot), new Fragment(r.RobotHost))).ToList();

    /// <summary>LeRobot name → RobotHost name.</summary>
    public string ToRobotHost(string name)
    {
        foreach (var (lerobot, robothost) in _rules) name = lerobot.Rewrite(name, robothost);
        return name;
    }

    /// <summary>RobotHost name → LeRobot name.</summary>
    public string ToLeRobot(string name)
    {
        for (var i = _rules.Count - 1; i >= 0; i--) name = _rules[i].RobotHost.Rewrite(name, _rules[i].LeRobot);
        return name;
    }

    /// <summary>
    /// <see cref="ToLeRobot"/>, checked: the name must come back unchanged through <see cref="ToRobotHost"/>, so export
    /// and import can never disagree about a tensor.
    /// </summary>
    /// <exception cref="RobotHostException">The table is not one-to-one for this name.</exception>
    public string ToLeRobotChecked(string name)
    {
        var lerobot = ToLeRobot(name);
        var back = ToRobotHost(lerobot);
        if (back != name) throw new RobotHostException($"weight '{name}' maps to LeRobot's '{lerobot}', which maps back to '{back}'; the LeRobot name table is ambiguous for it");
        return lerobot;
    }

    private sealed partial class Fragment
    {
        private readonly Regex _pattern;
        private readonly string _template;

        public Fragment(string text)
        {
            var anchored = text.StartsWith('^');
            _template = anchored ? text[1..] : text;
            var pattern = new StringBuilder(anchored ? "^" : @"(?<=^|\.)");
            var last = 0;
            foreach (Match m in Placeholder().Matches(_template))
            {
                pattern.Append(Regex.Escape(_template[last..m.Index])).Append($@"(?<{m.Groups[1].Value}>\d+)");
                last = m.Index + m.Length;
            }
            pattern.Append(Regex.Escape(_template[last..]));
            _pattern = new Regex(pattern.ToString(), RegexOptions.CultureInvariant);
        }

        /// <summary>Replaces every match of this fragment in <paramref name="name"/> by <paramref name="other"/>, numbers carried over.</summary>
        public string Rewrite(string name, Fragment other) =>
            _pattern.Replace(name, m => Placeholder().Replace(other._template, p => m.Groups[p.Groups[1].Value].Value));

        [GeneratedRegex(@"\{([a-z]+)\}")]
        private static partial Regex Placeholder();
    }
}
