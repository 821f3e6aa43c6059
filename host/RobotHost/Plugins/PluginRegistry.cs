using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>Collects one plugin's registrations; they are committed to the catalog only if <c>Register</c> returns normally.</summary>
internal sealed class PluginRegistry(string pluginName) : IPluginRegistry
{
    public List<ComponentRegistration> Registrations { get; } = [];

    public void AddRobot<TConfig>(string key, ComponentFactory<TConfig, IRobot> factory, string description = "")
        where TConfig : ComponentConfig, new() => Add(ComponentKind.Robot, key, description, typeof(TConfig), factory);

    public void AddTeleoperator<TConfig>(string key, ComponentFactory<TConfig, ITeleoperator> factory, string description = "")
        where TConfig : ComponentConfig, new() => Add(ComponentKind.Teleoperator, key, description, typeof(TConfig), factory);

    public void AddCamera<TConfig>(string key, ComponentFactory<TConfig, ICamera> factory, string description = "")
        where TConfig : ComponentConfig, new() => Add(ComponentKind.Camera, key, description, typeof(TConfig), factory);

    public void AddEnvironment<TConfig>(string key, ComponentFactory<TConfig, IEnvironment> factory, string description = "")
        where TConfig : ComponentConfig, new() => Add(ComponentKind.Environment, key, description, typeof(TConfig), factory);

    public void AddPolicy(string key, IPolicyFactory factory, string description = "") =>
        Add(ComponentKind.Policy, key, description, factory.ConfigType, factory);

    public void AddDatasetFormat(string key, IDatasetFormat format, string description = "") =>
        Add(ComponentKind.Dataset, key, description, null, format);

    public void AddCommand(string name, string description, PluginCommand run) =>
        Add(ComponentKind.Command, name, description, null, run);

    private void Add(ComponentKind kind, string key, string description, Type? configType, object factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (string.IsNullOrWhiteSpace(key))
            throw new ArgumentException($"plugin {pluginName} registered a {kind} with an empty key");
        if (Registrations.Any(r => r.Kind == kind && r.Key == key))
            throw new ArgumentException($"plugin {pluginName} registered {kind} '{key}' twice");
        Registrations.Add(new ComponentRegistration(kind, key, description, pluginName, configType, factory));
    }
}
