using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>One registered factory: what it makes, under which key, from which plugin.</summary>
/// <param name="Kind">Component kind.</param>
/// <param name="Key">Registered key.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Plugin">Name of the plugin that registered it.</param>
/// <param name="ConfigType">Config record type of robots, teleoperators, cameras and environments; null for policies, dataset formats and commands.</param>
/// <param name="Factory">
/// Makes the component from its bound config (null for kinds without one) and the host's context: a robot, teleoperator,
/// camera or environment; an <see cref="IPolicyFactory"/>; an <see cref="IDatasetFormat"/>; or a <see cref="PluginCommand"/>.
/// The registry builds it from the plugin's typed factory, so calling it is a plain call.
/// </param>
public sealed record ComponentRegistration(ComponentKind Kind, string Key, string Description, string Plugin, Type? ConfigType,
    Func<ComponentConfig?, IPluginContext, object> Factory);
