namespace RobotHost.Sdk;

/// <summary>
/// The person at the robot, as the host presents them: the terminal for CLI commands, a dialog in the TUI,
/// the log for unattended scripts. Plugins talk to people only through this, never through <see cref="Console"/>.
/// </summary>
public interface IOperatorConsole
{
    /// <summary>Shows a line of guidance or a result to the operator.</summary>
    void Say(string message);

    /// <summary>Asks a question and waits for the answer (null when nobody can answer, e.g. an unattended script).</summary>
    string? Ask(string question, CancellationToken cancel = default);
}
