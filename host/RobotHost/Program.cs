// libtorch's AVX-512 convolution kernels compute wrong gradients on some CPUs; cap them before any tensor exists
// (RobotHost.Learning.TorchRuntime explains; a value the user set wins). Cheap: it only sets an environment variable.
RobotHost.Learning.TorchRuntime.Initialize();
return RobotHost.Cli.CliApp.Execute(args);
