using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>
/// Creates components by kind and key from what the plugins registered, binding and validating their configs.
/// Unknown keys give a message listing the registered ones.
/// </summary>
public sealed class ComponentCatalog(PluginHost plugins, IPluginContext context)
{
    /// <summary>The plugin host behind this catalog.</summary>
    public PluginHost Plugins { get; } = plugins;

    /// <summary>The context given to created components.</summary>
    public IPluginContext Context { get; } = context;

    /// <summary>The registration of <paramref name="kind"/> <paramref name="key"/>.</summary>
    public ComponentRegistration Find(ComponentKind kind, string key)
    {
        var registrations = Plugins.Registrations;
        var found = registrations.FirstOrDefault(r => r.Kind == kind && r.Key == key);
        if (found is not null) return found;
        var known = registrations.Where(r => r.Kind == kind).Select(r => r.Key).Order().ToList();
        var failures = Plugins.Failures.Count > 0 ? $" {Plugins.Failures.Count} plugin(s) failed to load; see `robothost plugins`." : "";
        var kindName = kind.ToString().ToLowerInvariant();
        throw new RobotHostException(known.Count == 0
            ? $"no {kindName} '{key}': no plugin registers any {kindName}. Plugin directories: {string.Join(", ", Plugins.Directories)}.{failures}"
            : $"no {kindName} '{key}'; registered: {string.Join(", ", known)}.{failures}");
    }

    /// <summary>Keys registered for a kind.</summary>
    public IReadOnlyList<string> Keys(ComponentKind kind) =>
        Plugins.Registrations.Where(r => r.Kind == kind).Select(r => r.Key).Order().ToList();

    /// <summary>The option names (snake_case) the config of <paramref name="kind"/> <paramref name="key"/> takes; empty when it takes no config.</summary>
    public IReadOnlySet<string> OptionNames(ComponentKind kind, string key) =>
        Find(kind, key).ConfigType is { } type ? ConfigBinder.OptionNames(type) : new HashSet<string>();

    /// <summary>Creates a robot.</summary>
    public IRobot CreateRobot(string key, IReadOnlyDictionary<string, string>? options = null) => Create<IRobot>(ComponentKind.Robot, key, options);

    /// <summary>Creates a teleoperator.</summary>
    public ITeleoperator CreateTeleoperator(string key, IReadOnlyDictionary<string, string>? options = null) => Create<ITeleoperator>(ComponentKind.Teleoperator, key, options);

    /// <summary>Creates a camera.</summary>
    public ICamera CreateCamera(string key, IReadOnlyDictionary<string, string>? options = null) => Create<ICamera>(ComponentKind.Camera, key, options);

    /// <summary>Creates an environment.</summary>
    public IEnvironment CreateEnvironment(string key, IReadOnlyDictionary<string, string>? options = null) => Create<IEnvironment>(ComponentKind.Environment, key, options);

    /// <summary>The policy factory registered under <paramref name="key"/>.</summary>
    public IPolicyFactory Policy(string key) => (IPolicyFactory)Find(ComponentKind.Policy, key).Factory;

    /// <summary>
    /// The dataset format to write with: the one registered under <paramref name="key"/>; with no key, the format that
    /// recognises <paramref name="root"/> (appending to a dataset), else the first registered format.
    /// </summary>
    public IDatasetFormat DatasetFormat(string? key, string? root = null)
    {
        if (key is not null) return WithContext((IDatasetFormat)Find(ComponentKind.Dataset, key).Factory);
        var formats = Plugins.Registrations.Where(r => r.Kind == ComponentKind.Dataset).Select(r => (IDatasetFormat)r.Factory).ToList();
        if (formats.Count == 0)
            throw new RobotHostException($"no dataset format: no plugin registers one. Plugin directories: {string.Join(", ", Plugins.Directories)}; see `robothost plugins`");
        var existing = root is not null && Directory.Exists(root) ? formats.FirstOrDefault(f => f.CanOpen(root)) : null;
        return WithContext(existing ?? formats[0]);
    }

    /// <summary>The first dataset format that recognises <paramref name="root"/>.</summary>
    public IDatasetFormat DatasetFormatFor(string root)
    {
        foreach (var r in Plugins.Registrations.Where(r => r.Kind == ComponentKind.Dataset))
        {
            var format = (IDatasetFormat)r.Factory;
            if (format.CanOpen(root)) return WithContext(format);
        }
        throw new RobotHostException(Directory.Exists(root)
            ? $"'{root}' is not a dataset any loaded format recognises (formats: {string.Join(", ", Keys(ComponentKind.Dataset))}); a LeRobot dataset has meta/info.json"
            : $"dataset folder '{root}' does not exist; check the path");
    }

    // Formats are registered as instances; one that wants the host's logging gets the context here (IUsesPluginContext).
    private T WithContext<T>(T registered)
    {
        if (registered is IUsesPluginContext aware) aware.UsePluginContext(Context);
        return registered;
    }

    /// <summary>Creates a component with a config built from options (or a given config record).</summary>
    public T Create<T>(ComponentKind kind, string key, IReadOnlyDictionary<string, string>? options = null, ComponentConfig? config = null) where T : class
    {
        var registration = Find(kind, key);
        if (registration.ConfigType is null)
            throw new RobotHostException($"{kind} '{key}' is not created from a config");
        if (config is not null && config.GetType() != registration.ConfigType)
            throw new RobotHostException($"{kind} '{key}' takes a {registration.ConfigType.Name}, not a {config.GetType().Name}");
        var bound = ConfigBinder.Bind(registration.ConfigType, key, options, config);
        var invoke = registration.Factory.GetType().GetMethod("Invoke")!;
        try
        {
            return (T)invoke.Invoke(registration.Factory, [bound, Context])!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
