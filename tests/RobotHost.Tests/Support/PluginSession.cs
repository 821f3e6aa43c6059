using RobotHost.Tests.Shared;

namespace RobotHost.Tests.Support;

/// <summary>A host session in its own home folder with the real plugins built into artifacts/bin/plugins, and no others.</summary>
internal static class PluginSession
{
    public static HostSession Start(string home) => HostSession.Start(new HostOptions
    {
        Paths = new HostPaths(home),
        PluginDirectories = [RepoPaths.PluginDirectory],
        IncludeDefaultPluginDirectories = false,
    });
}
