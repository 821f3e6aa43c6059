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

    /// <summary>
    /// Runs a script that records with <paramref name="recordData"/> (statements that set <c>data</c>) and trains two
    /// mlp checkpoints on it, seeds 1000 and 7, for <paramref name="steps"/> steps; returns the two checkpoint folders.
    /// </summary>
    public string[] RecordAndTrainTwoMlps(string recordData, int steps)
    {
        var path = Write("prepare.csx", recordData + $$"""

            var first = Train(new TrainSettings { Dataset = data.Root, Policy = "mlp", Preset = "small", Steps = {{steps}}, OutputDir = Out("train") }).Checkpoint;
            var second = Train(new TrainSettings { Dataset = data.Root, Policy = "mlp", Preset = "small", Steps = {{steps}}, Seed = 7, OutputDir = Out("train2") }).Checkpoint;
            return first + "|" + second;
            """);
        return ((string)Run(path).Value!).Split('|');
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
