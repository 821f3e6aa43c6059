namespace RobotHost.Recording;

/// <summary>What the operator asked for (keys → / n, ← / r, Esc / q, or TUI buttons).</summary>
public enum RecordRequest
{
    /// <summary>Nothing asked.</summary>
    None,
    /// <summary>End the current episode (saving it) or the reset phase now.</summary>
    NextEpisode,
    /// <summary>Drop the current episode and record it again after the reset phase.</summary>
    Rerecord,
    /// <summary>Save the current episode and end the session.</summary>
    Stop,
}
