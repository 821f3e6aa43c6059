using System.Text;

namespace RobotHost.Evaluation;

/// <summary>Aligned plain-text tables for the console (first row is the header).</summary>
public static class TextTable
{
    /// <summary>Columns padded to their widest cell, a rule under the header; numbers-looking cells right-aligned.</summary>
    public static string Format(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (rows.Count == 0) return "";
        var columns = rows.Max(r => r.Count);
        var widths = new int[columns];
        foreach (var row in rows)
            for (var c = 0; c < row.Count; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = Enumerable.Range(0, columns).Select(c =>
            {
                var cell = c < rows[r].Count ? rows[r][c] : "";
                return r > 0 && LooksNumeric(cell) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]);
            });
            text.AppendLine(string.Join("  ", cells).TrimEnd());
            if (r == 0) text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return text.ToString();
    }

    private static bool LooksNumeric(string cell) =>
        cell.Length > 0 && (char.IsDigit(cell[0]) || cell[0] is '-' or '+' or '.') && cell.TrimEnd('%', 's').All(ch => char.IsDigit(ch) || ch is '.' or '-' or '+' or 'e' or 'E' or ',');
}
