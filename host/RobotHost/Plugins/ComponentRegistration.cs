using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>One registered factory: what it makes, under which key, from which plugin.</summary>
/// <param name="Kind">Component kind.</param>
/// <param name="Key">Registered key.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Plugin">Name of the plugin that registered it.</param>
/// <param name="ConfigType">Config record type (null for policy and dataset registrations, which carry their own).</param>
/// <param name="Factory">A <see cref="ComponentFactory{TConfig,TComponent}"/>, an <see cref="IPolicyFactory"/> or an <see cref="IDatasetFormat"/>.</param>
public sealed record ComponentRegistration(ComponentKind Kind, string Key, string Description, string Plugin, Type? ConfigType, object Factory);
