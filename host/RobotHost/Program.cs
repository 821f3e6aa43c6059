// libtorch's AVX-512 convolution kernels compute wrong gradients on some CPUs; cap them before any tensor exists
// (RobotHost.Learning.TorchRuntime explains; a value the user set wins). Cheap: it sets an environment variable and a
// resolver, and leaves loading libtorch to the first command that needs it.
RobotHost.Learning.TorchRuntime.Prepare();
return RobotHost.Cli.CliApp.Execute(args);
