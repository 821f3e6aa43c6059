namespace RobotHost.Sdk;

/// <summary>The result of a reset or a step of an <see cref="IEnvironment"/>.</summary>
/// <param name="Observation">The observation after the step.</param>
/// <param name="Reward">Reward of the new state.</param>
/// <param name="Done">True when the episode is over (success, failure or time limit).</param>
/// <param name="Success">True once the task has succeeded.</param>
public sealed record StepResult(Observation Observation, float Reward, bool Done, bool Success)
{
    /// <summary>Extra named diagnostics (e.g. <c>collisions</c>).</summary>
    public IReadOnlyDictionary<string, float> Info { get; init; } = new Dictionary<string, float>();
}

/// <summary>
/// A gym-like simulated task for evaluation and fast data generation: no real time, no threads.
/// Same seed, same episode, bit for bit.
/// </summary>
public interface IEnvironment : IDisposable
{
    /// <summary>Task name, e.g. <c>pick_place</c> or <c>obstacle_2d</c>.</summary>
    string TaskName { get; }

    /// <summary>Control rate the task is meant to run at.</summary>
    int Fps { get; }

    /// <summary>Step limit of one episode.</summary>
    int MaxSteps { get; }

    /// <summary>The state vector and camera features of observations.</summary>
    IReadOnlyList<FeatureSpec> ObservationFeatures { get; }

    /// <summary>The action vector.</summary>
    FeatureSpec ActionFeature { get; }

    /// <summary>The condition of the current episode (zone, side) for per-condition breakdowns.</summary>
    string Condition { get; }

    /// <summary>Starts an episode.</summary>
    StepResult Reset(int seed);

    /// <summary>Applies one action (length = action names) and advances one tick.</summary>
    StepResult Step(ReadOnlySpan<float> action);
}

/// <summary>Optional capability of an environment: the scripted expert's action for the present state.</summary>
public interface IScriptedExpert
{
    /// <summary>The expert's action for this tick.</summary>
    float[] ExpertAction();
}
