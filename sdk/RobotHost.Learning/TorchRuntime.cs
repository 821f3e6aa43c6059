using System.Runtime.InteropServices;
using TorchSharp;

namespace RobotHost.Learning;

/// <summary>One place that initialises libtorch for the process: safe CPU kernels, device choice and CPU thread settings.</summary>
public static class TorchRuntime
{
    private static int _initialized;

    /// <summary>The instruction-set cap applied when the user has not set one.</summary>
    public const string SafeIsa = "SSE41";

    /// <summary>
    /// Call before the first tensor operation (the trainer, <see cref="Policies.PolicyRuntime"/> and ResNet18 do).
    /// libtorch 2.10's oneDNN AVX-512 convolution backward returns wrong input gradients, often NaN, on this kind of
    /// AVX-512 VM (measured: conv2d 8→8 channels, 8×8, batch 16 — max error 3.2 or NaN vs float64, on the first call
    /// and then intermittently). Capping oneDNN at AVX2 (<c>ONEDNN_MAX_CPU_ISA</c>, read once when oneDNN first
    /// dispatches) gives correct gradients. A value the user set wins.
    /// </summary>
    /// <remarks>
    /// AVX2 was not enough: with it, a diffusion model with a ResNet encoder still hit NaN at step 2 after other
    /// models had trained in the same process, and passed with SSE4.1 (measured 2026-11-27 on the project's VM).
    /// Correct gradients matter more than convolution speed; set ONEDNN_MAX_CPU_ISA yourself to trade back.
    /// </remarks>
    public static void Initialize()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1) return;
        if (OperatingSystem.IsWindows()) return;
        const string Isa = "ONEDNN_MAX_CPU_ISA";
        // .NET keeps its own copy of the environment on Unix: only setenv(3) reaches the native getenv oneDNN calls.
        if (Marshal.PtrToStringAnsi(GetEnv(Isa)) is null) SetEnv(Isa, SafeIsa, 0);
        DisableNnpack();
    }

    private delegate IntPtr GlobalContext();
    private delegate void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);

    /// <summary>
    /// libtorch asks NNPACK before every CPU convolution and, on CPUs NNPACK does not know (this AMD EPYC VM), warns
    /// "Could not initialize NNPACK! Reason: Unsupported hardware." on stderr each time — 17 420 lines in one demo run,
    /// burying the progress output. Turning NNPACK off (<c>at::globalContext().setUserEnabledNNPACK(false)</c>, what
    /// <c>torch.backends.nnpack.set_flags(False)</c> does in Python) stops the question; TorchSharp has no binding, so
    /// the two exported C++ symbols are called directly. Nothing changes if they are missing.
    /// </summary>
    private static void DisableNnpack()
    {
        try
        {
            _ = torch.get_num_threads();   // loads libtorch
            if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library)) return;
            if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var context) ||
                !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setEnabled)) return;
            var global = Marshal.GetDelegateForFunctionPointer<GlobalContext>(context)();
            Marshal.GetDelegateForFunctionPointer<SetUserEnabledNnpack>(setEnabled)(global, false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            // a libtorch without these symbols: keep the warnings
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv(string name);

    /// <summary>Resolves a device name ("cpu", "cuda", "cuda:0") with a clear error when CUDA is not available.</summary>
    public static torch.Device Device(string name)
    {
        Initialize();
        if (name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !torch.cuda.is_available())
            throw new Sdk.RobotHostException(
                $"device '{name}' was requested but no CUDA runtime is available in this process; set device to 'cpu', " +
                "or install a CUDA build of libtorch (TorchSharp-cuda-linux) on a machine with an NVIDIA GPU");
        return torch.device(name);
    }

    /// <summary>Sets the number of CPU threads libtorch uses for intra-op parallelism.</summary>
    public static void SetThreads(int threads)
    {
        Initialize();
        if (threads > 0) torch.set_num_threads(threads);
    }
}
