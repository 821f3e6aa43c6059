namespace RobotHost;

/// <summary>Where RobotHost keeps data, logs and plugins. <c>ROBOTHOST_HOME</c> overrides the default <c>~/.robothost</c>.</summary>
public sealed record HostPaths(string Home)
{
    /// <summary>The environment variable that moves the data directory.</summary>
    public const string HomeVariable = "ROBOTHOST_HOME";

    /// <summary>Paths from the environment.</summary>
    public static HostPaths FromEnvironment()
    {
        var home = Environment.GetEnvironmentVariable(HomeVariable);
        if (string.IsNullOrWhiteSpace(home))
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".robothost");
        return new HostPaths(Path.GetFullPath(home));
    }

    /// <summary>Rolling log files.</summary>
    public string LogDirectory => Path.Combine(Home, "logs");

    /// <summary>The user's plugin directory.</summary>
    public string UserPluginDirectory => Path.Combine(Home, "plugins");

    /// <summary>The plugin directory beside the executable.</summary>
    public static string BundledPluginDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Compiled-script cache.</summary>
    public string ScriptCacheDirectory => Path.Combine(Home, "script-cache");

    /// <summary>Plugin directories searched in order: beside the executable, the user's, then the extra ones.</summary>
    public IReadOnlyList<string> PluginDirectories(IEnumerable<string> extra) =>
        new[] { BundledPluginDirectory, UserPluginDirectory }
            .Concat(extra.Select(Path.GetFullPath))
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
