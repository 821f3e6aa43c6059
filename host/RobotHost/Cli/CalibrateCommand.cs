using System.CommandLine;
using RobotHost.Plugins;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost calibrate --robot KEY | --teleop KEY [--robot-option k=v…] [--teleop-option k=v…] [--set k=v…]</c>:
/// runs the device's guided calibration (<c>Connect(calibrate: true)</c>), prompts through the terminal, then
/// disconnects (torque off). LeRobot's <c>lerobot-calibrate</c>.
/// </summary>
public static class CalibrateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var robot = new Option<string?>("--robot") { Description = "Robot key to calibrate, e.g. so101_follower" };
        var teleop = new Option<string?>("--teleop") { Description = "Teleoperator key to calibrate, e.g. so101_leader" };
        var robotOptions = new Option<string[]>("--robot-option") { Description = "Robot config name=value, e.g. port=/dev/ttyACM0 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var teleopOptions = new Option<string[]>("--teleop-option") { Description = "Teleoperator config name=value, e.g. id=my_leader (repeatable)", AllowMultipleArgumentsPerToken = false };
        var set = new Option<string[]>("--set") { Description = "Config name=value for the device being calibrated (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("calibrate", "Calibrate a robot or teleoperator (e.g. an SO-101 arm): guided steps, calibration saved in LeRobot's format and location")
        {
            robot, teleop, robotOptions, teleopOptions, set,
        };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            var robotKey = parse.GetValue(robot);
            var teleopKey = parse.GetValue(teleop);
            if ((robotKey is null) == (teleopKey is null))
                throw new RobotHostException("calibrate needs exactly one of --robot KEY or --teleop KEY, e.g. `robothost calibrate --robot so101_follower --robot-option port=/dev/ttyACM0 --robot-option id=my_follower`");
            var extra = parse.GetValue(set) ?? [];
            if (robotKey is not null)
            {
                var options = ConfigBinder.ParseOptions((parse.GetValue(robotOptions) ?? []).Concat(extra));
                using var device = session.Catalog.CreateRobot(robotKey, options);
                try { device.Connect(calibrate: true); }
                finally { device.Disconnect(); }
                Console.WriteLine($"{robotKey} calibrated");
            }
            else
            {
                var options = ConfigBinder.ParseOptions((parse.GetValue(teleopOptions) ?? []).Concat(extra));
                using var device = session.Catalog.CreateTeleoperator(teleopKey!, options);
                try { device.Connect(calibrate: true); }
                finally { device.Disconnect(); }
                Console.WriteLine($"{teleopKey} calibrated");
            }
            return 0;
        }));
        return command;
    }
}
