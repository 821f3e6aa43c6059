using RobotHost.Scripting;
using RobotHost.Tests.Shared;

namespace RobotHost.Tests.Scripting;

/// <summary>A host session with its own data directory (and so its own script cache) for script tests.</summary>
internal sealed class ScriptTestHost : IDisposable
{
    public ScriptTestHost(bool withPlugins = false)
    {
        Home = RepoPaths.NewTempDirectory("rh-script");
        Session = HostSession.Start(new HostOptions
        {
            Paths = new HostPaths(Home),
            IncludeDefaultPluginDirectories = false,
            PluginDirectories = withPlugins ? [RepoPaths.PluginDirectory] : [],
        });
    }

    public string Home { get; }
    public HostSession Session { get; }

    public string Write(string name, string code)
    {
        var path = Path.Combine(Home, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, code);
        return path;
    }

    /// <summary>Compiles and runs a script; returns its value and what it printed.</summary>
    public (object? Value, string Output, CompiledScript Script) Run(string path, params string[] args)
    {
        var host = new ScriptHost(Session);
        var script = host.Compile(path);
        var output = new StringWriter();
        var globals = new ScriptGlobals(Session, path, args, CancellationToken.None, output) { OutDir = Path.Combine(Home, "out") };
        var value = host.RunAsync(script, globals).GetAwaiter().GetResult();
        return (value, output.ToString(), script);
    }

    public void Dispose()
    {
        Session.Dispose();
        try { Directory.Delete(Home, true); } catch (IOException) { }
    }
}
