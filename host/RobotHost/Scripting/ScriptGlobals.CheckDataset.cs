using RobotHost.DatasetCheck;

namespace RobotHost.Scripting;

public sealed partial class ScriptGlobals
{
    /// <summary>
    /// Checks a dataset's quality (episode count, coverage, idle frames, gaps, inconsistent demonstrations…), prints the
    /// report and returns it; a failing check does not stop the script: decide with <c>report.Status</c>.
    /// <code>var report = CheckDataset(data.Root, new DatasetCheckOptions { PlotDirectory = Out("check") });</code>
    /// </summary>
    public DatasetReport CheckDataset(string root, DatasetCheckOptions? options = null)
    {
        using var reader = Catalog.DatasetFormatFor(root).Open(root);
        var report = DatasetChecker.Check(reader, options);
        _out.Write(ReportText.ToText(report));
        _out.WriteLine();
        return report;
    }
}
