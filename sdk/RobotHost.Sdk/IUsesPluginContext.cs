namespace RobotHost.Sdk;

/// <summary>
/// SDK 1.0–1.1: how a dataset format registered as a ready instance received the <see cref="IPluginContext"/>. Since
/// SDK 1.2 every kind is registered as a factory that receives the context, so a format takes its logger when it is
/// created. The host still honours this interface for formats registered through the obsolete instance overload of
/// <see cref="IPluginRegistry.AddDatasetFormat(string, IDatasetFormat, string)"/>, so plugins built against 1.1 keep working.
/// </summary>
[Obsolete("Register the format with registry.AddDatasetFormat(key, context => new MyFormat(context.LoggerFactory)) and take what you need of the context in its constructor. Kept for plugins built against RobotHost.Sdk 1.0–1.1.")]
public interface IUsesPluginContext
{
    /// <summary>Keeps what it needs of <paramref name="context"/> (typically <see cref="IPluginContext.LoggerFactory"/>).</summary>
    void UsePluginContext(IPluginContext context);
}
