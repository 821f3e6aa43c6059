using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;
using RobotHost.Learning;
using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>
/// Loads plugin folders (<c>&lt;dir&gt;/&lt;Kind&gt;.&lt;Name&gt;/&lt;Kind&gt;.&lt;Name&gt;.dll</c>) into their own load contexts,
/// sharing only the SDK, logging abstractions, TorchSharp and RobotHost.Learning with them (one libtorch per process).
/// A bad plugin is recorded as a <see cref="PluginFailure"/> with the cause and the fix, and skipped.
/// Plugins are never unloaded: several carry native code (libtorch, OpenCV), which cannot be unloaded safely.
/// </summary>
public sealed class PluginHost
{
    private static readonly Type[] SharedTypes =
    [
        typeof(IPluginModule),                  // RobotHost.Sdk
        typeof(ILogger),                        // Microsoft.Extensions.Logging.Abstractions
        typeof(TorchSharp.torch),               // TorchSharp: the host owns the only libtorch
        typeof(Learning.TorchRuntime),          // RobotHost.Learning
    ];

    private readonly ILogger _log;
    private readonly List<string> _directories;
    private readonly List<LoadedPlugin> _loaded = [];
    private readonly List<PluginFailure> _failures = [];
    private readonly List<ComponentRegistration> _registrations = [];
    private readonly HashSet<string> _seenAssemblies = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates a host over plugin directories (missing ones are fine).</summary>
    public PluginHost(IEnumerable<string> directories, ILoggerFactory loggerFactory)
    {
        _directories = directories.ToList();
        _log = loggerFactory.CreateLogger<PluginHost>();
    }

    /// <summary>Directories searched.</summary>
    public IReadOnlyList<string> Directories => _directories;

    /// <summary>Plugins loaded so far.</summary>
    public IReadOnlyList<LoadedPlugin> Loaded { get { lock (_gate) return _loaded.ToList(); } }

    /// <summary>Plugins skipped, with reasons.</summary>
    public IReadOnlyList<PluginFailure> Failures { get { lock (_gate) return _failures.ToList(); } }

    /// <summary>Every registration of every loaded plugin.</summary>
    public IReadOnlyList<ComponentRegistration> Registrations { get { lock (_gate) return _registrations.ToList(); } }

    /// <summary>Also search <paramref name="directory"/> on the next <see cref="LoadAll"/>.</summary>
    public void AddDirectory(string directory)
    {
        lock (_gate)
        {
            var full = Path.GetFullPath(directory);
            if (!_directories.Contains(full)) _directories.Add(full);
        }
    }

    /// <summary>
    /// Loads every plugin folder not loaded before (so calling it again is a rescan that picks up new folders).
    /// Returns the plugins newly loaded.
    /// </summary>
    public IReadOnlyList<LoadedPlugin> LoadAll()
    {
        var added = new List<LoadedPlugin>();
        foreach (var directory in Directories)
        {
            if (!Directory.Exists(directory)) continue;
            foreach (var folder in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(folder);
                var assembly = Path.Combine(folder, name + ".dll");
                if (!File.Exists(assembly)) continue;
                lock (_gate)
                {
                    if (!_seenAssemblies.Add(Path.GetFullPath(assembly))) continue;
                }
                var plugin = TryLoad(name, assembly);
                if (plugin is not null) added.Add(plugin);
            }
        }
        return added;
    }

    private LoadedPlugin? TryLoad(string name, string assemblyPath)
    {
        try
        {
            var plugin = Load(name, assemblyPath);
            _log.LogInformation("loaded plugin {Plugin} {Version} from {Path}: {Keys}", name, plugin.Version, plugin.Origin,
                string.Join(", ", plugin.Keys.Select(k => $"{k.Kind.ToString().ToLowerInvariant()}:{k.Key}")));
            return plugin;
        }
        catch (Exception e)
        {
            var message = Explain(name, assemblyPath, e);
            _log.LogError(e, "plugin {Plugin} skipped: {Message}", name, message);
            lock (_gate) _failures.Add(new PluginFailure(name, assemblyPath, message));
            return null;
        }
    }

    private LoadedPlugin Load(string name, string assemblyPath)
    {
        var folder = Path.GetDirectoryName(assemblyPath)!;
        var sdkVersion = ReadReferencedSdkVersion(assemblyPath)
            ?? throw new PluginLoadException($"{Path.GetFileName(assemblyPath)} does not reference RobotHost.Sdk, so it is not a RobotHost plugin; remove the folder {folder}, or build it against the RobotHost.Sdk package");
        if (sdkVersion.Major != SdkVersion.Major)
            throw new PluginLoadException($"it was built against RobotHost.Sdk {sdkVersion.Major}.{sdkVersion.Minor}, but this host has SDK {SdkVersion.Text}; rebuild the plugin against RobotHost.Sdk {SdkVersion.Major}.x");
        if (sdkVersion.Minor > SdkVersion.Minor)
            throw new PluginLoadException($"it needs RobotHost.Sdk {sdkVersion.Major}.{sdkVersion.Minor}, newer than this host's SDK {SdkVersion.Text}; update RobotHost");
        // RobotHost.Learning is shared with the host like the SDK (one libtorch binding per process), so it is checked the same way.
        if (ReadReferencedVersion(assemblyPath, LearningAssemblyName) is { } learning)
        {
            if (learning.Major != LearningVersion.Major)
                throw new PluginLoadException($"it was built against RobotHost.Learning {learning.Major}.{learning.Minor}, but this host has RobotHost.Learning {LearningVersion.Text}; rebuild the plugin against RobotHost.Learning {LearningVersion.Major}.x");
            if (learning.Minor > LearningVersion.Minor)
                throw new PluginLoadException($"it needs RobotHost.Learning {learning.Major}.{learning.Minor}, newer than this host's {LearningVersion.Text}; update RobotHost");
        }
        var ownTorch = Directory.EnumerateFiles(folder, "libtorch*.so*").FirstOrDefault();
        if (ownTorch is not null)
            throw new PluginLoadException($"its folder carries its own libtorch ({Path.GetFileName(ownTorch)}); two libtorch copies abort the process. Reference TorchSharp with ExcludeAssets=\"runtime;native\" and rebuild");

        var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, SharedTypes, config =>
        {
            config.PreferSharedTypes = true;
            config.IsUnloadable = false;
        });
        var assembly = loader.LoadDefaultAssembly();
        var moduleTypes = assembly.GetTypes()
            .Where(t => typeof(IPluginModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        if (moduleTypes.Count == 0)
            throw new PluginLoadException($"{Path.GetFileName(assemblyPath)} has no public class implementing IPluginModule; add one that registers the plugin's factories");

        var registry = new PluginRegistry(name);
        foreach (var type in moduleTypes)
        {
            // DoNotWrapExceptions: a module constructor's exception reaches Explain as itself, not inside a reflection wrapper.
            var module = (IPluginModule)Activator.CreateInstance(type,
                BindingFlags.Public | BindingFlags.Instance | BindingFlags.CreateInstance | BindingFlags.DoNotWrapExceptions, null, null, null)!;
            module.Register(registry);
        }
        lock (_gate)
        {
            var clash = registry.Registrations.FirstOrDefault(r => _registrations.Any(o => o.Kind == r.Kind && o.Key == r.Key));
            if (clash is not null)
            {
                var owner = _registrations.First(o => o.Kind == clash.Kind && o.Key == clash.Key).Plugin;
                throw new PluginLoadException($"it registers {clash.Kind.ToString().ToLowerInvariant()} '{clash.Key}', already registered by {owner}; remove one of the two plugin folders");
            }
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
            var plugin = new LoadedPlugin(name, assemblyPath, version, $"{sdkVersion.Major}.{sdkVersion.Minor}", registry.Registrations);
            _registrations.AddRange(registry.Registrations);
            _loaded.Add(plugin);
            return plugin;
        }
    }

    private static readonly string LearningAssemblyName = typeof(LearningVersion).Assembly.GetName().Name!;

    /// <summary>Reads which RobotHost.Sdk version an assembly references, without loading it.</summary>
    internal static Version? ReadReferencedSdkVersion(string assemblyPath) =>
        ReadReferencedVersion(assemblyPath, typeof(IPluginModule).Assembly.GetName().Name!);

    /// <summary>Reads which version of <paramref name="referencedName"/> an assembly references (null: none), without loading it.</summary>
    internal static Version? ReadReferencedVersion(string assemblyPath, string referencedName)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) throw new BadImageFormatException("not a .NET assembly", assemblyPath);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.AssemblyReferences)
        {
            var reference = metadata.GetAssemblyReference(handle);
            if (metadata.GetString(reference.Name) == referencedName)
                return reference.Version;
        }
        return null;
    }

    private static string Explain(string name, string assemblyPath, Exception e)
    {
        return e switch
        {
            PluginLoadException p => $"plugin {name}: {p.Message}",
            BadImageFormatException => $"plugin {name}: {Path.GetFileName(assemblyPath)} is not a valid .NET assembly (corrupt or built for another platform); rebuild it or remove {Path.GetDirectoryName(assemblyPath)}",
            InvalidOperationException when e.Message.Contains("Dependency resolution failed", StringComparison.OrdinalIgnoreCase) =>
                $"plugin {name}: a dependency listed in its .deps.json is missing ({e.Message}); publish the plugin with its dependencies (dotnet build with EnableDynamicLoading) into {Path.GetDirectoryName(assemblyPath)}",
            FileNotFoundException f =>
                $"plugin {name}: a dependency is missing: {f.FileName ?? f.Message}; copy it into {Path.GetDirectoryName(assemblyPath)} (build the plugin with EnableDynamicLoading so its dependencies are copied)",
            ReflectionTypeLoadException r =>
                $"plugin {name}: types could not be loaded ({r.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message}); a dependency is missing or of the wrong version — rebuild the plugin with its dependencies",
            TypeLoadException or MissingMethodException =>
                $"plugin {name}: it uses an SDK member this host lacks ({e.Message}); rebuild it against RobotHost.Sdk {SdkVersion.Text}",
            _ => $"plugin {name}: {e.GetType().Name} while registering: {e.Message}; fix the plugin's Register method (details in the log file)",
        };
    }

    private sealed class PluginLoadException(string message) : Exception(message);
}
