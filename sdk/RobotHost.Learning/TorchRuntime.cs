using TorchSharp;

namespace RobotHost.Learning;

/// <summary>One place that initialises libtorch for the process: device choice and CPU thread settings.</summary>
public static class TorchRuntime
{
    /// <summary>Resolves a device name ("cpu", "cuda", "cuda:0") with a clear error when CUDA is not available.</summary>
    public static torch.Device Device(string name)
    {
        if (name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !torch.cuda.is_available())
            throw new Sdk.RobotHostException(
                $"device '{name}' was requested but no CUDA runtime is available in this process; set device to 'cpu', " +
                "or install a CUDA build of libtorch (TorchSharp-cuda-linux) on a machine with an NVIDIA GPU");
        return torch.device(name);
    }

    /// <summary>Sets the number of CPU threads libtorch uses for intra-op parallelism.</summary>
    public static void SetThreads(int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
    }
}
