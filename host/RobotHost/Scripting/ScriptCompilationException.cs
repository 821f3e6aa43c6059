using RobotHost.Sdk;

namespace RobotHost.Scripting;

/// <summary>A script did not compile; <see cref="Diagnostics"/> holds one entry per error with file, line and column.</summary>
public sealed class ScriptCompilationException(string script, IReadOnlyList<ScriptDiagnostic> diagnostics)
    : RobotHostException($"{script} does not compile ({diagnostics.Count} error{(diagnostics.Count == 1 ? "" : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, diagnostics)}")
{
    /// <summary>The errors, in source order.</summary>
    public IReadOnlyList<ScriptDiagnostic> Diagnostics { get; } = diagnostics;
}
