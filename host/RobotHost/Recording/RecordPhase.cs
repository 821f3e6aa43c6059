namespace RobotHost.Recording;

/// <summary>Where a recording session is.</summary>
public enum RecordPhase
{
    /// <summary>Connecting devices and opening the dataset.</summary>
    Starting,
    /// <summary>An episode is being recorded.</summary>
    Recording,
    /// <summary>Between episodes: the operator resets the scene; nothing is recorded.</summary>
    Reset,
    /// <summary>Waiting for the writer to commit an episode.</summary>
    Saving,
    /// <summary>The session has ended.</summary>
    Done,
}
