using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>
/// Collects one plugin's registrations; they are committed to the catalog only if <c>Register</c> returns normally.
/// Each typed factory is wrapped once, here, in a closure of one shape (config, context) → component, so the catalog
/// calls every kind the same way without reflection. The obsolete instance overloads of <see cref="IPluginRegistry"/>
/// are the SDK's default implementations, which forward to the factory overloads.
/// </summary>
internal sealed class PluginRegistry(string pluginName) : IPluginRegistry
{
    public List<ComponentRegistration> Registrations { get; } = [];

    public void AddRobot<TConfig>(string key, ComponentFactory<TConfig, IRobot> factory, string description = "")
        where TConfig : ComponentConfig, new() => AddConfigured(ComponentKind.Robot, key, description, factory);

    public void AddTeleoperator<TConfig>(string key, ComponentFactory<TConfig, ITeleoperator> factory, string description = "")
        where TConfig : ComponentConfig, new() => AddConfigured(ComponentKind.Teleoperator, key, description, factory);

    public void AddCamera<TConfig>(string key, ComponentFactory<TConfig, ICamera> factory, string description = "")
        where TConfig : ComponentConfig, new() => AddConfigured(ComponentKind.Camera, key, description, factory);

    public void AddEnvironment<TConfig>(string key, ComponentFactory<TConfig, IEnvironment> factory, string description = "")
        where TConfig : ComponentConfig, new() => AddConfigured(ComponentKind.Environment, key, description, factory);

    public void AddPolicy(string key, Func<IPluginContext, IPolicyFactory> create, string description = "")
    {
        ArgumentNullException.ThrowIfNull(create);
        Add(ComponentKind.Policy, key, description, null, (_, context) => create(context));
    }

    public void AddDatasetFormat(string key, Func<IPluginContext, IDatasetFormat> create, string description = "")
    {
        ArgumentNullException.ThrowIfNull(create);
        Add(ComponentKind.Dataset, key, description, null, (_, context) => create(context));
    }

    public void AddCommand(string name, string description, PluginCommand run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Add(ComponentKind.Command, name, description, null, (_, _) => run);
    }

    // The catalog binds and validates a TConfig from registration.ConfigType before calling, so the cast holds.
    private void AddConfigured<TConfig, TComponent>(ComponentKind kind, string key, string description, ComponentFactory<TConfig, TComponent> factory)
        where TConfig : ComponentConfig where TComponent : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        Add(kind, key, description, typeof(TConfig), (config, context) => factory((TConfig)config!, context));
    }

    private void Add(ComponentKind kind, string key, string description, Type? configType, Func<ComponentConfig?, IPluginContext, object> factory)
    {
        if (string.IsNullOrWhiteSpace(key))
            throw new ArgumentException($"plugin {pluginName} registered a {kind} with an empty key");
        if (Registrations.Any(r => r.Kind == kind && r.Key == key))
            throw new ArgumentException($"plugin {pluginName} registered {kind} '{key}' twice");
        Registrations.Add(new ComponentRegistration(kind, key, description, pluginName, configType, factory));
    }
}
