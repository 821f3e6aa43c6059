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

    private readonly Dictionary<(ComponentKind Kind, string Key), object> _shared = [];
    private readonly Lock _sharedGate = new();

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

    /// <summary>The policy factory registered under <paramref name="key"/> (made from its registration once per catalog, then shared).</summary>
    public IPolicyFactory Policy(string key) => Shared<IPolicyFactory>(Find(ComponentKind.Policy, key));

    /// <summary>
    /// The dataset format to write with: the one registered under <paramref name="key"/>; with no key, the format that
    /// recognises <paramref name="root"/> (appending to a dataset), else the first registered format.
    /// </summary>
    public IDatasetFormat DatasetFormat(string? key, string? root = null)
    {
        if (key is not null) return Shared<IDatasetFormat>(Find(ComponentKind.Dataset, key));
        if (!Plugins.Registrations.Any(r => r.Kind == ComponentKind.Dataset))
            throw new RobotHostException($"no dataset format: no plugin registers one. Plugin directories: {string.Join(", ", Plugins.Directories)}; see `robothost plugins`");
        var existing = root is not null && Directory.Exists(root) ? DatasetFormats().FirstOrDefault(f => f.CanOpen(root)) : null;
        return existing ?? DatasetFormats().First();
    }

    /// <summary>The first dataset format that recognises <paramref name="root"/>.</summary>
    public IDatasetFormat DatasetFormatFor(string root) =>
        DatasetFormats().FirstOrDefault(f => f.CanOpen(root)) ?? throw new RobotHostException(Directory.Exists(root)
            ? $"'{root}' is not a dataset any loaded format recognises (formats: {string.Join(", ", Keys(ComponentKind.Dataset))}); a LeRobot dataset has meta/info.json"
            : $"dataset folder '{root}' does not exist; check the path");

    // In registration order, each made only when the search reaches it.
    private IEnumerable<IDatasetFormat> DatasetFormats() =>
        Plugins.Registrations.Where(r => r.Kind == ComponentKind.Dataset).Select(Shared<IDatasetFormat>);

    // Policy families and dataset formats are made from their registered factory once per catalog and shared by every
    // caller, so the context they were made with is this catalog's. A factory that throws is not cached: the next call retries.
    private T Shared<T>(ComponentRegistration registration) where T : class
    {
        lock (_sharedGate)
        {
            if (_shared.TryGetValue((registration.Kind, registration.Key), out var made)) return (T)made;
            var created = Make<T>(registration, null);
            _shared[(registration.Kind, registration.Key)] = created;
            return created;
        }
    }

    // The registration's factory is a typed closure built by the plugin registry: a plain call, so whatever the plugin
    // throws reaches the caller as itself.
    private T Make<T>(ComponentRegistration registration, ComponentConfig? config) where T : class =>
        registration.Factory(config, Context) as T
        ?? throw new RobotHostException($"plugin {registration.Plugin}: the factory of {registration.Kind.ToString().ToLowerInvariant()} '{registration.Key}' returned no {typeof(T).Name}; fix the plugin's Register method");

    /// <summary>Creates a component with a config built from options (or a given config record).</summary>
    public T Create<T>(ComponentKind kind, string key, IReadOnlyDictionary<string, string>? options = null, ComponentConfig? config = null) where T : class
    {
        var registration = Find(kind, key);
        if (registration.ConfigType is null)
            throw new RobotHostException($"{kind} '{key}' is not created from a config");
        if (config is not null && config.GetType() != registration.ConfigType)
            throw new RobotHostException($"{kind} '{key}' takes a {registration.ConfigType.Name}, not a {config.GetType().Name}");
        var bound = ConfigBinder.Bind(registration.ConfigType, key, options, config);
        return Make<T>(registration, bound);
    }
}
