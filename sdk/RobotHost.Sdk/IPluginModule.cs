namespace RobotHost.Sdk;

/// <summary>
/// The entry point of a plugin assembly. The host creates every public non-abstract type
/// implementing this interface (parameterless constructor) and calls <see cref="Register"/> once.
/// </summary>
public interface IPluginModule
{
    /// <summary>Registers this plugin's factories. Must not touch hardware or block.</summary>
    void Register(IPluginRegistry registry);
}
