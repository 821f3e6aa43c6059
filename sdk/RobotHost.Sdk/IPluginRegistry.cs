namespace RobotHost.Sdk;

/// <summary>Creates a component from its validated config.</summary>
public delegate TComponent ComponentFactory<in TConfig, out TComponent>(TConfig config, IPluginContext context)
    where TConfig : ComponentConfig;

/// <summary>
/// Where a plugin registers its factories, each under a unique string key
/// (e.g. <c>"so101_follower"</c>, <c>"opencv"</c>, <c>"act"</c>, <c>"lerobot"</c>). Every kind is registered as a factory
/// that receives the host's <see cref="IPluginContext"/> (its loggers, data directory and operator console), so nothing
/// a plugin registers has to be handed the context afterwards.
/// </summary>
public interface IPluginRegistry
{
    /// <summary>Registers a robot under <paramref name="key"/>.</summary>
    void AddRobot<TConfig>(string key, ComponentFactory<TConfig, IRobot> factory, string description = "")
        where TConfig : ComponentConfig, new();

    /// <summary>Registers a teleoperator (leader arm, scripted expert, keyboard).</summary>
    void AddTeleoperator<TConfig>(string key, ComponentFactory<TConfig, ITeleoperator> factory, string description = "")
        where TConfig : ComponentConfig, new();

    /// <summary>Registers a camera.</summary>
    void AddCamera<TConfig>(string key, ComponentFactory<TConfig, ICamera> factory, string description = "")
        where TConfig : ComponentConfig, new();

    /// <summary>Registers a gym-like simulated task used for evaluation and fast data generation.</summary>
    void AddEnvironment<TConfig>(string key, ComponentFactory<TConfig, IEnvironment> factory, string description = "")
        where TConfig : ComponentConfig, new();

    /// <summary>
    /// Registers a policy family (training and checkpoint loading). The host calls <paramref name="create"/> once per
    /// session, the first time the family is asked for, and shares the factory it returns; keep it quick and free of
    /// hardware and files (those belong in <see cref="IPolicyFactory.Load"/>). SDK 1.2.
    /// </summary>
    void AddPolicy(string key, Func<IPluginContext, IPolicyFactory> create, string description = "");

    /// <summary>
    /// Registers a dataset format (reader and writer). The host calls <paramref name="create"/> once per session, the
    /// first time a format is needed, and shares the format it returns; take the logger from the context there
    /// (<c>context => new MyFormat(context.LoggerFactory)</c>). SDK 1.2.
    /// </summary>
    void AddDatasetFormat(string key, Func<IPluginContext, IDatasetFormat> create, string description = "");

    /// <summary>
    /// Registers a ready policy factory: the SDK 1.0–1.1 form, kept so plugins built against it still load. It forwards to
    /// <see cref="AddPolicy(string, Func{IPluginContext, IPolicyFactory}, string)"/> with a factory that returns this instance.
    /// </summary>
    [Obsolete("Register a factory that receives the plugin context: registry.AddPolicy(key, context => new MyPolicyFactory(), description). This overload stays for plugins built against RobotHost.Sdk 1.0–1.1.")]
    void AddPolicy(string key, IPolicyFactory factory, string description = "")
    {
        ArgumentNullException.ThrowIfNull(factory);
        AddPolicy(key, _ => factory, description);
    }

    /// <summary>
    /// Registers a ready dataset format: the SDK 1.0–1.1 form, kept so plugins built against it still load. It forwards to
    /// <see cref="AddDatasetFormat(string, Func{IPluginContext, IDatasetFormat}, string)"/> with a factory that returns this
    /// instance, handing it the context first when it implements <see cref="IUsesPluginContext"/>, as before.
    /// </summary>
    [Obsolete("Register a factory that receives the plugin context: registry.AddDatasetFormat(key, context => new MyFormat(context.LoggerFactory), description). This overload stays for plugins built against RobotHost.Sdk 1.0–1.1.")]
    void AddDatasetFormat(string key, IDatasetFormat format, string description = "")
    {
        ArgumentNullException.ThrowIfNull(format);
        AddDatasetFormat(key, context =>
        {
            if (format is IUsesPluginContext aware) aware.UsePluginContext(context);
            return format;
        }, description);
    }

    /// <summary>
    /// Adds a command to the host's CLI (<c>robothost &lt;name&gt; …</c>): device tools such as
    /// <c>setup-motors</c>, <c>find-port</c> or <c>find-cameras</c>. Names must not clash with the host's own commands.
    /// The command receives the plugin context when it runs.
    /// </summary>
    void AddCommand(string name, string description, PluginCommand run);
}
