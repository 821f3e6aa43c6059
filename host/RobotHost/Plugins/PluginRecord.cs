namespace RobotHost.Plugins;

/// <summary>A plugin the host tried to load.</summary>
/// <param name="Name">Folder name, e.g. <c>Sim.SO101</c>.</param>
/// <param name="AssemblyPath">The plugin's main assembly.</param>
/// <param name="Version">The plugin assembly's version.</param>
/// <param name="SdkVersion">The RobotHost.Sdk version it was built against.</param>
/// <param name="Keys">What it registered, by kind.</param>
public sealed record LoadedPlugin(string Name, string AssemblyPath, string Version, string SdkVersion, IReadOnlyList<ComponentRegistration> Keys)
{
    /// <summary>The folder it was loaded from.</summary>
    public string Origin => Path.GetDirectoryName(AssemblyPath) ?? AssemblyPath;
}

/// <summary>A plugin the host skipped, with the cause and the fix.</summary>
/// <param name="Name">Folder name.</param>
/// <param name="Path">Folder or assembly.</param>
/// <param name="Message">What went wrong and what to do, in one or two sentences.</param>
public sealed record PluginFailure(string Name, string Path, string Message);
