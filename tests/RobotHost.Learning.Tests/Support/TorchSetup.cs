using System.Runtime.CompilerServices;

namespace RobotHost.Learning.Tests.Support;

internal static class TorchSetup
{
    /// <summary>Safe CPU kernels before any test touches libtorch (see <see cref="TorchRuntime.Initialize"/>).</summary>
#pragma warning disable CA2255 // a test assembly is the place for a module initializer
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => TorchRuntime.Initialize();
}
