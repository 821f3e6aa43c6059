using RobotHost.Sdk;

namespace RobotHost.Evaluation;

/// <summary>How a rollout executes a policy's action chunks while inference takes time.</summary>
public enum ChunkExecution
{
    /// <summary>Wait for each chunk: the robot holds its last action while inference runs (temporal ensembling works as before).</summary>
    Sync,

    /// <summary>Start the next inference while the current chunk executes; switch to the new chunk when it arrives.</summary>
    Async,

    /// <summary>As <see cref="Async"/>, with real-time chunking: the new chunk is guided to continue the executing one.</summary>
    Rtc,
}

/// <summary>Parsing of <c>--chunk-execution</c>.</summary>
public static class ChunkExecutionNames
{
    /// <summary><c>sync</c>, <c>async</c> or <c>rtc</c>.</summary>
    public static ChunkExecution Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sync" => ChunkExecution.Sync,
        "async" => ChunkExecution.Async,
        "rtc" => ChunkExecution.Rtc,
        _ => throw new RobotHostException($"--chunk-execution '{text}' is not known: use sync, async or rtc"),
    };

    /// <summary>The option's spelling of <paramref name="mode"/>.</summary>
    public static string Name(this ChunkExecution mode) => mode.ToString().ToLowerInvariant();
}
