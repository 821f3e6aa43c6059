return RobotHost.Cli.CliApp.Execute(args);
