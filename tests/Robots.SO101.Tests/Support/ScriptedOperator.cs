using RobotHost.Sdk;

namespace Robots.SO101.Tests.Support;

/// <summary>An operator whose answers come from a script: each Ask runs the next step (which may move a virtual arm) and returns its answer.</summary>
internal sealed class ScriptedOperator(params Func<string, string?>[] steps) : IOperatorConsole
{
    private readonly Queue<Func<string, string?>> _steps = new(steps);

    public List<string> Said { get; } = [];
    public List<string> Asked { get; } = [];

    public void Say(string message)
    {
        lock (Said) Said.Add(message);
    }

    public string? Ask(string question, CancellationToken cancel = default)
    {
        lock (Asked) Asked.Add(question);
        Func<string, string?> step;
        lock (_steps)
        {
            if (_steps.Count == 0) throw new InvalidOperationException($"unexpected question: {question}");
            step = _steps.Dequeue();
        }
        return step(question);
    }

    public string Transcript
    {
        get { lock (Said) return string.Join("\n", Said.Concat(Asked)); }
    }
}
