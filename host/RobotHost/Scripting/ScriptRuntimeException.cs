using RobotHost.Sdk;

namespace RobotHost.Scripting;

/// <summary>
/// A script threw: names the script file and line where it happened (the deepest frame inside a script) and
/// the exception; the full stack trace goes to the log file.
/// </summary>
public sealed class ScriptRuntimeException(string file, int line, Exception inner)
    : RobotHostException($"{file}:{line}: {inner.GetType().Name}: {inner.Message}", inner)
{
    /// <summary>Script file.</summary>
    public string File { get; } = file;

    /// <summary>1-based line in <see cref="File"/>.</summary>
    public int Line { get; } = line;
}
