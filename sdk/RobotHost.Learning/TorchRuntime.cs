using System.Runtime.InteropServices;
using TorchSharp;

namespace RobotHost.Learning;

/// <summary>One place that initialises libtorch for the process: safe CPU kernels, device choice and CPU thread settings.</summary>
public static class TorchRuntime
{
    private static int _initialized;

    /// <summary>The instruction-set cap applied when the user has not set one.</summary>
    public const string SafeIsa = "AVX";

    /// <summary>
    /// Call before the first tensor operation (the trainer, <see cref="Policies.PolicyRuntime"/> and ResNet18 do).
    /// libtorch 2.10's oneDNN AVX-512 convolution backward returns wrong input gradients, often NaN, on this kind of
    /// AVX-512 VM (measured: conv2d 8→8 channels, 8×8, batch 16 — max error 3.2 or NaN vs float64, on the first call
    /// and then intermittently; <c>CpuKernelTests</c> fails with the cap lifted). Capping oneDNN at AVX
    /// (<c>ONEDNN_MAX_CPU_ISA</c>, read once when oneDNN first dispatches) gives correct gradients. A value the user set wins.
    /// </summary>
    /// <remarks>
    /// Why AVX and not higher or lower (2026-11-27, 2-core AMD EPYC VM): conv2d forward, input and weight gradients
    /// against float64 on the shapes of the ResNet18 encoders (3→32 7×7 stem to 128→128 6×6, and 8→8 8×8), 40 random
    /// calls each: AVX-512 wrong on 8→8 (NaN in 9 of 120 results); SSE4.1 and AVX within 2e-6, AVX2 within 9e-6. At the
    /// first step of a fixed-seed ResNet18 forward/backward (BatchNorm and GroupNorm, three sizes) AVX reproduces SSE4.1's
    /// loss and gradient sums exactly in 17 of 18 figures (the other 4e-7 off); AVX2 and AVX-512 differ by up to 1.5e-4.
    /// AVX2 once hit a NaN at step 2 of the learning suite (1 of 4 runs; SSE4.1 0 of 6), so the FMA kernels stay off.
    /// AVX trains ACT small (batch 16, one 96×96 camera) at a median 203–219 ms per step (two runs) against 308 ms under SSE4.1.
    /// <para>
    /// libtorch's OpenMP threads keep libgomp's default wait (spin about 3 ms, then sleep). Measured on the 2-core VM,
    /// ACT small step: idle 246 ms default vs 342 ms with <c>OMP_WAIT_POLICY=PASSIVE</c>; next to one busy process
    /// 810 ms default vs 453 ms passive. Idle throughput wins for a training job; where the cores are shared on purpose
    /// (the test suite runs test classes in parallel) set OMP_WAIT_POLICY=PASSIVE in the environment, as scripts/test.sh does.
    /// </para>
    /// </remarks>
    public static void Initialize()
    {
        Prepare();
        if (Interlocked.Exchange(ref _initialized, 1) == 1) return;
        if (OperatingSystem.IsWindows()) return;
        DisableNnpack();
        _defaultThreads = torch.get_num_threads();
    }

    /// <summary>
    /// The part of <see cref="Initialize"/> that must come before libtorch loads and costs nothing: the scalar guard's
    /// resolver and the oneDNN ISA cap. The host calls it at start-up, so a command that never touches a tensor
    /// (<c>--version</c>, <c>dataset info</c>) does not pay the ~0.4 s of loading libtorch; the first training step or
    /// loaded policy calls <see cref="Initialize"/>.
    /// </summary>
    public static void Prepare()
    {
        if (Interlocked.Exchange(ref _prepared, 1) == 1) return;
        if (OperatingSystem.IsWindows()) return;
        InstallScalarGuard();
        const string Isa = "ONEDNN_MAX_CPU_ISA";
        // .NET keeps its own copy of the environment on Unix: only setenv(3) reaches the native getenv oneDNN calls.
        if (Marshal.PtrToStringAnsi(GetEnv(Isa)) is null) SetEnv(Isa, SafeIsa, 0);
    }

    private static int _prepared;

    private const string ScalarGuardFile = "librobothost_scalar_guard.so";
    private static string? _scalarGuardPath;
    private static IntPtr _scalarGuard;

    /// <summary>
    /// Whether TorchSharp's native calls go through the scalar guard (see <see cref="InstallScalarGuard"/>), and if not,
    /// why — for the host to log. Valid after <see cref="Initialize"/>.
    /// </summary>
    public static string ScalarGuardStatus { get; private set; } = "not initialised";

    /// <summary>True when TorchSharp's native library is reached through the scalar guard.</summary>
    public static bool ScalarGuardActive => _scalarGuard != IntPtr.Zero;

    /// <summary>
    /// TorchSharp 0.107 wraps every number passed to a tensor op (and the implicit alpha of <c>a + b</c>) in a
    /// finalizable Scalar that is unreachable once its native handle is read; a garbage collection started by another
    /// thread during the op lets the finalizer free it before libtorch reads it. Training then fails at random
    /// (c10 "Expected false to be true … toFloat", "argument alpha must not be a floating point number") — seen in
    /// CI, in Adam, BatchNorm and transformer residuals, and reproduced at will by a thread that collects in a loop
    /// (GcStormTests). Our own code cannot keep TorchSharp's internal Scalars alive, so the fix sits below it: a small
    /// native library (Native/scalar_guard.c, built with the solution) that forwards every LibTorchSharp symbol and
    /// defers Scalar frees by three seconds. It is bound here, before TorchSharp's first native call, by a
    /// DllImport resolver for the TorchSharp assembly.
    /// </summary>
    private static void InstallScalarGuard()
    {
        if (!OperatingSystem.IsLinux()) { ScalarGuardStatus = "not needed on this OS build (Linux only)"; return; }
        var torchDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        _scalarGuardPath = new[] { torchDir, AppContext.BaseDirectory }
            .Select(d => Path.Combine(d, "runtimes", "linux-x64", "native", ScalarGuardFile))
            .FirstOrDefault(File.Exists);
        if (_scalarGuardPath is null)
        {
            ScalarGuardStatus = $"missing: {ScalarGuardFile} was not built next to libLibTorchSharp.so (install gcc and rebuild: scripts/setup.sh); " +
                                "training may crash at random under load (TorchSharp Scalar finalizer race)";
            return;
        }
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, ResolveTorchSharpNative);
            ScalarGuardStatus = "installed";
        }
        catch (InvalidOperationException)
        {
            ScalarGuardStatus = "not installed: another DllImport resolver owns the TorchSharp assembly";
        }
    }

    private static IntPtr ResolveTorchSharpNative(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "LibTorchSharp" || _scalarGuardPath is null) return IntPtr.Zero;
        if (_scalarGuard != IntPtr.Zero) return _scalarGuard;
        if (NativeLibrary.TryLoad(_scalarGuardPath, out var handle))
        {
            _scalarGuard = handle;
            ScalarGuardStatus = $"active ({_scalarGuardPath})";
            return handle;
        }
        ScalarGuardStatus = $"failed to load {_scalarGuardPath}; TorchSharp loads its library directly";
        return IntPtr.Zero;
    }

    /// <summary>Scalars the guard has queued and freed so far, or null when it is not active.</summary>
    public static (ulong Deferred, ulong Freed, bool Forwarding)? ScalarGuardCounters()
    {
        if (_scalarGuard == IntPtr.Zero || !NativeLibrary.TryGetExport(_scalarGuard, "robothost_scalar_guard_stats", out var stats)) return null;
        Marshal.GetDelegateForFunctionPointer<GuardStats>(stats)(out var deferred, out var freed, out var forwarding);
        return (deferred, freed, forwarding != 0);
    }

    private delegate void GuardStats(out ulong deferred, out ulong freed, out int forwarding);

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

    private static int _defaultThreads;

    /// <summary>
    /// Sets the number of CPU threads libtorch uses for intra-op parallelism on the calling thread (OpenMP keeps the
    /// count per thread); 0 restores libtorch's default, so a trainer started after an evaluation gets all cores back.
    /// </summary>
    public static void SetThreads(int threads)
    {
        Initialize();
        var wanted = threads > 0 ? threads : _defaultThreads;
        if (wanted > 0 && torch.get_num_threads() != wanted) torch.set_num_threads(wanted);
    }

    /// <summary>
    /// Runs with <paramref name="threads"/> intra-op threads on the calling thread until disposed, then restores the
    /// previous count; 0 changes nothing.
    /// </summary>
    public static ThreadCount UseThreads(int threads)
    {
        Initialize();
        var previous = torch.get_num_threads();
        if (threads <= 0 || threads == previous) return default;
        torch.set_num_threads(threads);
        return new ThreadCount(previous);
    }

    /// <summary>Restores a thread count changed by <see cref="UseThreads"/>.</summary>
    public readonly struct ThreadCount : IDisposable
    {
        private readonly int _previous;

        internal ThreadCount(int previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose()
        {
            if (_previous > 0) torch.set_num_threads(_previous);
        }
    }
}
