namespace RobotHost.Sdk;

/// <summary>
/// Base of every component configuration. Plugins derive one <c>sealed record</c> per registered key,
/// with defaults that work with zero configuration, and override <see cref="Validate"/>.
/// The host binds configs from <c>key=value</c> options or JSON (snake_case or PascalCase names).
/// </summary>
public abstract record ComponentConfig
{
    /// <summary>
    /// Returns one message per problem, each naming the field and the fix
    /// (e.g. "fps must be between 1 and 120, got 0"). Empty when the config is valid.
    /// </summary>
    public virtual IEnumerable<string> Validate() => [];
}
