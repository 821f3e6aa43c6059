using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Tests.Support;

/// <summary>Collects what a plugin module registers and creates components by key, as the host's catalog does.</summary>
internal sealed class TestRegistry : IPluginRegistry
{
    private readonly Dictionary<string, Delegate> _factories = [];
    public Dictionary<string, PluginCommand> Commands { get; } = [];
    public List<(ComponentKind Kind, string Key)> Keys { get; } = [];
    public TestContext Context { get; } = new();

    public void AddRobot<TConfig>(string key, ComponentFactory<TConfig, IRobot> factory, string description = "") where TConfig : ComponentConfig, new() => Add(ComponentKind.Robot, key, factory);
    public void AddTeleoperator<TConfig>(string key, ComponentFactory<TConfig, ITeleoperator> factory, string description = "") where TConfig : ComponentConfig, new() => Add(ComponentKind.Teleoperator, key, factory);
    public void AddCamera<TConfig>(string key, ComponentFactory<TConfig, ICamera> factory, string description = "") where TConfig : ComponentConfig, new() => Add(ComponentKind.Camera, key, factory);
    public void AddEnvironment<TConfig>(string key, ComponentFactory<TConfig, IEnvironment> factory, string description = "") where TConfig : ComponentConfig, new() => Add(ComponentKind.Environment, key, factory);
    public void AddPolicy(string key, Func<IPluginContext, IPolicyFactory> create, string description = "") => Keys.Add((ComponentKind.Policy, key));
    public void AddDatasetFormat(string key, Func<IPluginContext, IDatasetFormat> create, string description = "") => Keys.Add((ComponentKind.Dataset, key));
    public void AddCommand(string name, string description, PluginCommand run)
    {
        Keys.Add((ComponentKind.Command, name));
        Commands[name] = run;
    }

    private void Add(ComponentKind kind, string key, Delegate factory)
    {
        Keys.Add((kind, key));
        _factories[key] = factory;
    }

    /// <summary>Creates component <paramref name="key"/> from a config (validated first, as the host does).</summary>
    public T Create<T>(string key, ComponentConfig config)
    {
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException(string.Join("; ", problems));
        return (T)_factories[key].DynamicInvoke(config, Context)!;
    }
}

internal sealed class TestContext : IPluginContext, IOperatorConsole
{
    public List<string> Said { get; } = [];
    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;
    public string DataDirectory => Path.GetTempPath();
    public IOperatorConsole Operator => this;
    public void Say(string message) => Said.Add(message);
    public string? Ask(string question, CancellationToken cancel = default) => null;
}
