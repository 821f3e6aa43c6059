using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace RobotHost.Scripting;

/// <summary>
/// Compiles and runs C# scripts (<c>.csx</c>) against <see cref="ScriptGlobals"/>: <c>#load</c> resolves relative to the
/// script, <c>#r</c> relative to the script and then the plugin directories. Compiled assemblies (with portable PDBs, so
/// runtime errors name the script line) are cached under <see cref="HostPaths.ScriptCacheDirectory"/> by a hash of the
/// script, every <c>#load</c>ed file, every <c>#r</c> assembly and the host build: a re-run skips Roslyn (~2.4 s cold).
/// </summary>
public sealed partial class ScriptHost
{
    private const string ManifestName = "manifest.json";
    private readonly string _cacheDirectory;
    private readonly IReadOnlyList<string> _pluginDirectories;
    private readonly ILogger _log;

    /// <summary>A script host caching into <paramref name="cacheDirectory"/>; <c>#r</c> also searches <paramref name="pluginDirectories"/>.</summary>
    public ScriptHost(string cacheDirectory, IReadOnlyList<string> pluginDirectories, ILogger log)
    {
        _cacheDirectory = cacheDirectory;
        _pluginDirectories = pluginDirectories;
        _log = log;
    }

    /// <summary>A script host for a session (its cache directory and plugin directories).</summary>
    public ScriptHost(HostSession session)
        : this(session.Paths.ScriptCacheDirectory, session.Plugins.Directories, session.CreateLogger("RobotHost.Scripting"))
    {
    }

    /// <summary>Namespaces every script imports.</summary>
    public static IReadOnlyList<string> Imports { get; } = AvailableImports();

    /// <summary>Compiles <paramref name="path"/>, or loads it from the cache when nothing it depends on changed.</summary>
    /// <exception cref="ScriptCompilationException">The script has errors (each with file, line and column).</exception>
    public CompiledScript Compile(string path)
    {
        var clock = Stopwatch.StartNew();
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath)) throw new RobotHostException($"script '{path}' not found (looked at {fullPath})");
        var code = File.ReadAllText(fullPath, Encoding.UTF8);
        var key = CacheKey(fullPath, code);
        var entry = Path.Combine(_cacheDirectory, key);
        if (TryLoadCached(fullPath, entry, out var cached, clock)) return cached!;

        var options = Options(fullPath);
        var script = CSharpScript.Create<object>(code, options, typeof(ScriptGlobals));
        var compilation = script.GetCompilation();
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var emit = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!emit.Success)
        {
            var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(ToDiagnostic).ToList();
            // Syntax errors hide the semantic ones they cause: report only those, as the compiler means them.
            throw new ScriptCompilationException(fullPath, errors);
        }
        var entryPoint = compilation.GetEntryPoint(CancellationToken.None)
                         ?? throw new InvalidOperationException("script compilation has no entry point");
        var sources = compilation.SyntaxTrees.Select(t => t.FilePath).Where(p => !string.IsNullOrEmpty(p)).Distinct().ToList();
        var baseReferences = options.MetadataReferences.OfType<PortableExecutableReference>().Select(r => r.FilePath).ToHashSet(StringComparer.Ordinal);
        var directiveReferences = compilation.References.OfType<PortableExecutableReference>()
            .Select(r => r.FilePath!).Where(p => p is not null && !baseReferences.Contains(p)).Distinct().ToList();
        var manifest = new CacheManifest(
            fullPath,
            entryPoint.ContainingType.MetadataName,
            entryPoint.MetadataName,
            sources.ToDictionary(s => s, FileHash),
            directiveReferences.ToDictionary(r => r, FileStamp));
        var peBytes = pe.ToArray();
        var pdbBytes = pdb.ToArray();
        WriteCache(entry, manifest, peBytes, pdbBytes);
        var compiled = Load(manifest, peBytes, pdbBytes, key, fromCache: false, clock);
        _log.LogInformation("compiled {Script} in {Ms:F0} ms ({Files} file(s), cache {Key})", fullPath, clock.Elapsed.TotalMilliseconds, sources.Count, key[..12]);
        return compiled;
    }

    /// <summary>
    /// Runs a compiled script. Returns the script's value (an <c>int</c> returned by the script is the exit code).
    /// An exception thrown by the script comes back as <see cref="ScriptRuntimeException"/> naming the script line;
    /// cancellation (Ctrl+C) comes back as <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<object?> RunAsync(CompiledScript script, ScriptGlobals globals)
    {
        // Roslyn's submission array: slot 0 holds the globals, slot 1 the submission itself.
        var submissions = new object?[] { globals, null };
        try
        {
            return await script.Factory(submissions).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (globals.Cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not ScriptRuntimeException)
        {
            var inner = e is TargetInvocationException { InnerException: { } real } ? real : e;
            if (inner is OperationCanceledException && globals.Cancel.IsCancellationRequested) throw inner;
            var (file, line) = ScriptLine(inner, script.SourceFiles);
            if (file is null) throw;
            _log.LogError(inner, "{File}:{Line}: script failed", file, line);
            throw new ScriptRuntimeException(file, line, inner);
        }
    }

    /// <summary>The innermost stack frame inside one of the script files.</summary>
    internal static (string? File, int Line) ScriptLine(Exception e, IReadOnlyList<string> sources)
    {
        for (var ex = e; ex is not null; ex = ex.InnerException)
        {
            foreach (Match m in StackLine().Matches(ex.StackTrace ?? ""))
            {
                var file = m.Groups["file"].Value.Trim();
                if (sources.Contains(file, StringComparer.Ordinal)) return (file, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return (null, 0);
    }

    [GeneratedRegex(@" in (?<file>.+?):line (?<line>\d+)")]
    private static partial Regex StackLine();

    private ScriptOptions Options(string fullPath)
    {
        var directory = Path.GetDirectoryName(fullPath)!;
        var searchPaths = _pluginDirectories.Where(Directory.Exists)
            .SelectMany(d => new[] { d }.Concat(Directory.EnumerateDirectories(d)))
            .ToImmutableArray();
        return ScriptOptions.Default
            .WithFilePath(fullPath)
            .WithFileEncoding(Encoding.UTF8)
            .WithEmitDebugInformation(true)
            .WithOptimizationLevel(OptimizationLevel.Debug)
            .WithReferences(DefaultReferences.Value)
            .WithImports(Imports)
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, directory))
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory).WithSearchPaths(searchPaths));
    }

    /// <summary>
    /// The framework, the SDK, the host and its libraries (logging, ScottPlot, TorchSharp, OpenCvSharp): every managed
    /// assembly the host was started with, so scripts can use what the host uses without <c>#r</c>.
    /// </summary>
    private static readonly Lazy<IReadOnlyList<MetadataReference>> DefaultReferences = new(() =>
    {
        var paths = ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var type in new[] { typeof(object), typeof(ScriptGlobals), typeof(IRobot), typeof(ILogger), typeof(Enumerable) })
            if (!string.IsNullOrEmpty(type.Assembly.Location)) paths.Add(type.Assembly.Location);
        // Test runners and the xunit host put their own assemblies in the list; scripts have no use for them.
        return paths.Where(p => !Path.GetFileName(p).StartsWith("xunit", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
    });

    private static IReadOnlyList<string> AvailableImports()
    {
        var hostNamespaces = typeof(ScriptGlobals).Assembly.GetTypes().Select(t => t.Namespace).ToHashSet();
        string[] wanted =
        [
            "System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks",
            "System.Text", "System.Globalization", "Microsoft.Extensions.Logging",
            "RobotHost", "RobotHost.Sdk", "RobotHost.Scripting", "RobotHost.Evaluation", "RobotHost.Recording", "RobotHost.Training",
            "RobotHost.DatasetCheck", "RobotHost.Corrections",
        ];
        // Only the host namespaces that exist in this build (areas land over time).
        return wanted.Where(n => !n.StartsWith("RobotHost.", StringComparison.Ordinal) || n == "RobotHost.Sdk" || hostNamespaces.Contains(n)).ToList();
    }

    private static ScriptDiagnostic ToDiagnostic(Diagnostic d)
    {
        var span = d.Location.GetMappedLineSpan();
        var file = string.IsNullOrEmpty(span.Path) ? "<script>" : span.Path;
        return new ScriptDiagnostic(file, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
            d.Severity == DiagnosticSeverity.Error ? "error" : "warning", d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Hash of the script's path and text and of the host build (a rebuilt host changes the globals).</summary>
    private static string CacheKey(string fullPath, string code)
    {
        var host = typeof(ScriptGlobals).Assembly.ManifestModule.ModuleVersionId;
        var roslyn = typeof(CSharpScript).Assembly.GetName().Version;
        var text = $"{fullPath}\n{host}\n{roslyn}\n{code}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string FileHash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string FileStamp(string path)
    {
        var info = new FileInfo(path);
        return $"{info.Length}:{info.LastWriteTimeUtc.Ticks}";
    }

    private bool TryLoadCached(string fullPath, string entry, out CompiledScript? compiled, Stopwatch clock)
    {
        compiled = null;
        var manifestPath = Path.Combine(entry, ManifestName);
        try
        {
            if (!File.Exists(manifestPath)) return false;
            var manifest = JsonSerializer.Deserialize<CacheManifest>(File.ReadAllText(manifestPath));
            if (manifest is null) return false;
            // A #load'ed file or an #r assembly changed since: compile again.
            if (manifest.Sources.Any(s => !File.Exists(s.Key) || FileHash(s.Key) != s.Value)) return false;
            if (manifest.References.Any(r => !File.Exists(r.Key) || FileStamp(r.Key) != r.Value)) return false;
            var pe = File.ReadAllBytes(Path.Combine(entry, "script.dll"));
            var pdb = File.ReadAllBytes(Path.Combine(entry, "script.pdb"));
            compiled = Load(manifest, pe, pdb, Path.GetFileName(entry), fromCache: true, clock);
            _log.LogInformation("loaded {Script} from the script cache in {Ms:F0} ms", fullPath, clock.Elapsed.TotalMilliseconds);
            return true;
        }
        catch (Exception e) when (e is IOException or JsonException or BadImageFormatException or UnauthorizedAccessException)
        {
            _log.LogWarning(e, "script cache entry {Entry} unreadable; compiling again", entry);
            return false;
        }
    }

    private void WriteCache(string entry, CacheManifest manifest, byte[] pe, byte[] pdb)
    {
        try
        {
            // Write a sibling folder, then rename: a concurrent run sees either no entry or a whole one.
            var temp = entry + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            Directory.CreateDirectory(temp);
            File.WriteAllBytes(Path.Combine(temp, "script.dll"), pe);
            File.WriteAllBytes(Path.Combine(temp, "script.pdb"), pdb);
            File.WriteAllText(Path.Combine(temp, ManifestName), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(entry)) Directory.Delete(entry, true);
            Directory.Move(temp, entry);
        }
        catch (IOException e)
        {
            _log.LogWarning(e, "could not write the script cache entry {Entry}; the script still runs", entry);
        }
    }

    private static CompiledScript Load(CacheManifest manifest, byte[] pe, byte[] pdb, string key, bool fromCache, Stopwatch clock)
    {
        var context = new ScriptLoadContext(Path.GetFileName(manifest.Script), manifest.References.Keys);
        var assembly = context.LoadFromStream(new MemoryStream(pe), new MemoryStream(pdb));
        var type = assembly.GetType(manifest.EntryType, throwOnError: true)!;
        var method = type.GetMethod(manifest.EntryMethod, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                     ?? throw new InvalidOperationException($"script entry {manifest.EntryType}.{manifest.EntryMethod} not found");
        var factory = (Func<object?[], Task<object?>>)Delegate.CreateDelegate(typeof(Func<object?[], Task<object?>>), method);
        return new CompiledScript(manifest.Script, key, fromCache, manifest.Sources.Keys.ToList(), clock.Elapsed, factory);
    }

    /// <summary>What a cache entry was built from.</summary>
    private sealed record CacheManifest(string Script, string EntryType, string EntryMethod, Dictionary<string, string> Sources, Dictionary<string, string> References);
}
