namespace RobotHost.Sdk;

/// <summary>Creates a component from its validated config.</summary>
public delegate TComponent ComponentFactory<in TConfig, out TComponent>(TConfig config, IPluginContext context)
    where TConfig : ComponentConfig;

/// <summary>
/// Where a plugin registers its factories, each under a unique string key
/// (e.g. <c>"so101_follower"</c>, <c>"opencv"</c>, <c>"act"</c>, <c>"lerobot"</c>).
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

    /// <summary>Registers a policy family (training and checkpoint loading).</summary>
    void AddPolicy(string key, IPolicyFactory factory, string description = "");

    /// <summary>Registers a dataset format (reader and writer).</summary>
    void AddDatasetFormat(string key, IDatasetFormat format, string description = "");

    /// <summary>
    /// Adds a command to the host's CLI (<c>robothost &lt;name&gt; …</c>): device tools such as
    /// <c>setup-motors</c>, <c>find-port</c> or <c>find-cameras</c>. Names must not clash with the host's own commands.
    /// </summary>
    void AddCommand(string name, string description, PluginCommand run);
}
