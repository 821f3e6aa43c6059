namespace RobotHost.Sdk;

/// <summary>
/// Optional capability of an object a plugin registers as a ready instance rather than through a factory that receives
/// the context (a dataset format): the host hands it the <see cref="IPluginContext"/> before giving it out, so it logs
/// through the host (log file, console or TUI pane) instead of into nothing. May be called more than once (once per
/// host session that uses it); must not block.
/// </summary>
public interface IUsesPluginContext
{
    /// <summary>Keeps what it needs of <paramref name="context"/> (typically <see cref="IPluginContext.LoggerFactory"/>).</summary>
    void UsePluginContext(IPluginContext context);
}
