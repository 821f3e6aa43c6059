namespace RobotHost.Learning.Tests.Support;

/// <summary>
/// A thread that runs full garbage collections back to back while it lives, so every native TorchSharp call of the
/// test overlaps a collection and its finalizers — what a loaded machine does now and then, done all the time.
/// </summary>
internal sealed class GcStorm : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public GcStorm()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref _collections);
            }
        }) { IsBackground = true, Name = "gc-storm" };
        _thread.Start();
    }

    private int _collections;

    public int Collections => Volatile.Read(ref _collections);

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
