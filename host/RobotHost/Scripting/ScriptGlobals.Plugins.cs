using Microsoft.Extensions.Logging;

namespace RobotHost.Scripting;

public sealed partial class ScriptGlobals
{
    /// <summary>
    /// Picks up plugin folders dropped into the plugin directories (or <paramref name="directory"/>) since the host
    /// started, without a restart; returns the names of the plugins newly loaded. Plugins are never unloaded.
    /// </summary>
    public IReadOnlyList<string> RescanPlugins(string? directory = null)
    {
        if (directory is not null) Host.Plugins.AddDirectory(directory);
        var added = Host.Plugins.LoadAll().Select(p => p.Name).ToList();
        foreach (var failure in Host.Plugins.Failures) Log.LogWarning("{Message}", failure.Message);
        return added;
    }
}
