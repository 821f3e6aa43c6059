using System.Diagnostics;
using RobotHost.Tests.Shared;

namespace RobotHost.Tests.Docs;

/// <summary>The repository documents itself: its links resolve and nothing points outside it.</summary>
public sealed class RepositoryDocsTests
{
    [Fact]
    public void Every_relative_link_in_the_readme_and_docs_resolves()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "check-links.sh")])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "check-links.sh did not finish in 60 s");
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("all resolve", output);
    }

    [Fact]
    public void No_source_or_doc_points_to_files_outside_the_repository_or_to_issue_numbers()
    {
        // Built from parts so this file does not match itself.
        string[] outside = ["../" + "shared/", "STYLE" + ".md", "DESIGN" + ".md", "issue" + " #"];
        var offenders = new List<string>();
        foreach (var folder in new[] { "host", "sdk", "plugins", "tests", "docs", "scripts" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")) continue;
                if (Path.GetExtension(file) is not (".cs" or ".md" or ".csx" or ".sh" or ".csproj" or ".props" or ".targets" or ".json" or ".py")) continue;
                var text = File.ReadAllText(file);
                offenders.AddRange(outside.Where(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)).Select(p => $"{Path.GetRelativePath(RepoPaths.Root, file)}: {p}"));
            }
        }
        Assert.Empty(offenders);
    }
}
