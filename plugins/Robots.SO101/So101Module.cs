using RobotHost.Plugins.Robots.SO101.Commands;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Robots.SO101;

/// <summary>
/// The SO-101 plugin: robot <c>so101_follower</c>, teleoperator <c>so101_leader</c>, and the commands
/// <c>find-port</c>, <c>setup-motors</c> and <c>virtual-bus</c>.
/// </summary>
public sealed class So101Module : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry)
    {
        registry.AddRobot<So101FollowerConfig>("so101_follower", (config, context) => new So101Follower(config, context),
            "SO-101 follower arm on Feetech STS3215 servos (LeRobot-compatible calibration and units)");
        registry.AddTeleoperator<So101LeaderConfig>("so101_leader", (config, context) => new So101Leader(config, context),
            "SO-101 leader arm, moved by hand (torque off)");
        registry.AddCommand(FindPortCommand.Name, FindPortCommand.Description, FindPortCommand.Run);
        registry.AddCommand(SetupMotorsCommand.Name, SetupMotorsCommand.Description, SetupMotorsCommand.Run);
        registry.AddCommand(VirtualBusCommand.Name, VirtualBusCommand.Description, VirtualBusCommand.Run);
    }
}
