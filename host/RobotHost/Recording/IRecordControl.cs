namespace RobotHost.Recording;

/// <summary>
/// The operator's requests to a running <see cref="Recorder"/>, polled once per loop tick from the control thread.
/// <see cref="RecordControl"/> is the thread-safe implementation the keyboard reader and the TUI feed.
/// </summary>
public interface IRecordControl
{
    /// <summary>Takes the pending request (clearing it), or <see cref="RecordRequest.None"/>. A stop stays pending once asked.</summary>
    RecordRequest Take();
}
