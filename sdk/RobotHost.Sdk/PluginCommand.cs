namespace RobotHost.Sdk;

/// <summary>
/// A command a plugin adds to the host's CLI, run as <c>robothost &lt;name&gt; args…</c>
/// (e.g. <c>robothost setup-motors --port /dev/ttyACM0</c>). Returns the process exit code.
/// Throw <see cref="RobotHostException"/> for errors the user can fix.
/// </summary>
/// <param name="args">The words after the command name.</param>
/// <param name="context">Loggers, data directory, operator console.</param>
/// <param name="cancel">Cancelled by Ctrl+C.</param>
public delegate int PluginCommand(IReadOnlyList<string> args, IPluginContext context, CancellationToken cancel);
