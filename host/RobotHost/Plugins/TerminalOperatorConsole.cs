using RobotHost.Sdk;

namespace RobotHost.Plugins;

/// <summary>The operator at this terminal: guidance to stdout, answers from stdin (null when stdin is closed).</summary>
public sealed class TerminalOperatorConsole : IOperatorConsole
{
    /// <inheritdoc />
    public void Say(string message) => Console.WriteLine(message);

    /// <inheritdoc />
    public string? Ask(string question, CancellationToken cancel = default)
    {
        Console.Write(question.EndsWith(' ') ? question : question + " ");
        var read = Task.Run(Console.ReadLine, cancel);
        read.Wait(cancel);
        return read.Result;
    }
}
