namespace RobotHost.Recording;

/// <summary>Thread-safe <see cref="IRecordControl"/>: any thread (key reader, TUI) requests; the recorder takes.</summary>
public sealed class RecordControl : IRecordControl
{
    private int _pending;
    private volatile bool _stop;

    /// <summary>End the current episode (or the reset phase) now.</summary>
    public void RequestNextEpisode() => Interlocked.Exchange(ref _pending, (int)RecordRequest.NextEpisode);

    /// <summary>Drop the current episode and record it again.</summary>
    public void RequestRerecord() => Interlocked.Exchange(ref _pending, (int)RecordRequest.Rerecord);

    /// <summary>Save the current episode and stop.</summary>
    public void RequestStop() => _stop = true;

    /// <summary>True once a stop was asked.</summary>
    public bool StopRequested => _stop;

    /// <inheritdoc />
    public RecordRequest Take()
    {
        if (_stop) return RecordRequest.Stop;
        return (RecordRequest)Interlocked.Exchange(ref _pending, (int)RecordRequest.None);
    }
}
