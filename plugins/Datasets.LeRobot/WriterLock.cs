using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>One writer per dataset: an exclusively opened lock file that the OS releases if the process dies.</summary>
internal sealed class WriterLock : IDisposable
{
    public const string FileName = "writer.lock";
    private FileStream? _stream;

    private WriterLock(FileStream stream) => _stream = stream;

    public static WriterLock Acquire(string root)
    {
        var dir = CommitJournal.PartialDirectory(root);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, FileName);
        try
        {
            return new WriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new RobotHostException($"dataset '{root}' is being written by another process (lock {path}); stop that recording first", e);
        }
    }

    /// <summary>Releases the lock without cleaning anything, as a killed process would (tests).</summary>
    public void Release()
    {
        _stream?.Dispose();
        _stream = null;
    }

    public void Dispose() => Release();
}
