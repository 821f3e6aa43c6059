namespace RobotHost.Recording;

/// <summary>
/// Optional capability of a recording's progress sink: lines for the operator that must not be lost between progress
/// samples, such as the dataset check's findings on the episode just saved ("episode 12 has 2.1 s idle at the start").
/// The recorder also logs them, so the TUI log pane and the log file have them either way.
/// </summary>
public interface IRecordNotices
{
    /// <summary>Shows <paramref name="message"/> to the operator; called on the recording thread, so it must not block.</summary>
    void Notice(string message);
}
