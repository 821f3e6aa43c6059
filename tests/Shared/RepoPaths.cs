namespace RobotHost.Tests.Shared;

/// <summary>Locations in the repository for tests: the plugin directory the build fills, scratch folders.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root (the folder holding RobotHost.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Where every plugin project builds its folder (artifacts/bin/plugins/&lt;Kind&gt;.&lt;Name&gt;/).</summary>
    public static string PluginDirectory => Path.Combine(Root, "artifacts", "bin", "plugins");

    /// <summary>The built host executable's folder.</summary>
    public static string HostBinDirectory => Path.Combine(Root, "artifacts", "bin");

    /// <summary>A new empty folder under the system temp directory, removed by the caller if it likes.</summary>
    public static string NewTempDirectory(string prefix = "robothost-test")
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RobotHost.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RobotHost.sln not found above " + AppContext.BaseDirectory);
    }
}
