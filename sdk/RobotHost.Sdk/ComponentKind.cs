namespace RobotHost.Sdk;

/// <summary>The kinds of component a plugin can register.</summary>
public enum ComponentKind
{
    /// <summary>An arm or other actuated device (<see cref="IRobot"/>).</summary>
    Robot,
    /// <summary>A source of actions: leader arm, keyboard, scripted expert (<see cref="ITeleoperator"/>).</summary>
    Teleoperator,
    /// <summary>An image source (<see cref="ICamera"/>).</summary>
    Camera,
    /// <summary>A policy family that can be trained and loaded (<see cref="IPolicyFactory"/>).</summary>
    Policy,
    /// <summary>An on-disk dataset format (<see cref="IDatasetFormat"/>).</summary>
    Dataset,
    /// <summary>A gym-like simulated task (<see cref="IEnvironment"/>).</summary>
    Environment,
    /// <summary>A CLI command contributed by a plugin (<see cref="PluginCommand"/>).</summary>
    Command,
}
