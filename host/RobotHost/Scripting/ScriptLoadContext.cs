using System.Reflection;
using System.Runtime.Loader;

namespace RobotHost.Scripting;

/// <summary>
/// Load context of one compiled script. Host assemblies come from the default context; an <c>#r</c> assembly that a
/// plugin already loaded is shared (same types as the catalog hands out), otherwise it is loaded from its path.
/// </summary>
internal sealed class ScriptLoadContext(string name, IEnumerable<string> directiveReferences) : AssemblyLoadContext("script:" + name)
{
    private readonly Dictionary<string, string> _references = directiveReferences
        .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || !_references.TryGetValue(assemblyName.Name, out var path)) return null;
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => !a.IsDynamic && string.Equals(a.GetName().Name, assemblyName.Name, StringComparison.OrdinalIgnoreCase)
                                 && (string.Equals(a.Location, path, StringComparison.Ordinal) || GetLoadContext(a) == Default));
        return loaded ?? LoadFromAssemblyPath(path);
    }
}
