namespace RobotHost.Scripting;

/// <summary>A script compiled to an assembly, ready to run with a <see cref="ScriptGlobals"/>.</summary>
/// <param name="Path">Main script file.</param>
/// <param name="CacheKey">Hash of the script, its <c>#load</c>ed files, references and host build.</param>
/// <param name="FromCache">True when the assembly came from the compiled-script cache (no compile).</param>
/// <param name="SourceFiles">Every script file compiled in (main first, then <c>#load</c>ed ones).</param>
/// <param name="PrepareTime">Time to compile or load from the cache.</param>
/// <param name="Factory">The submission's entry point (Roslyn's <c>&lt;Factory&gt;</c>).</param>
public sealed record CompiledScript(string Path, string CacheKey, bool FromCache, IReadOnlyList<string> SourceFiles, TimeSpan PrepareTime, Func<object?[], Task<object?>> Factory);
