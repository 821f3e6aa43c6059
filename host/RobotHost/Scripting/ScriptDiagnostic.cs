namespace RobotHost.Scripting;

/// <summary>One compiler message about a script, printed as <c>file:line:col: error CSxxxx: message</c>.</summary>
/// <param name="File">Script file (the main script or a <c>#load</c>ed one).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="Id">Compiler id, e.g. <c>CS0103</c>.</param>
/// <param name="Message">The compiler's message.</param>
public sealed record ScriptDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}: {Severity} {Id}: {Message}";
}
