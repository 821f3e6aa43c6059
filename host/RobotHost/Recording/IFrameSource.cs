using RobotHost.Sdk;

namespace RobotHost.Recording;

/// <summary>What the recorder's loop pulls one frame at a time from: a robot rig or a simulated environment.</summary>
internal interface IFrameSource : IDisposable
{
    /// <summary>What every frame holds.</summary>
    DatasetSchema Schema { get; }

    /// <summary>False for sources with no real time of their own (a gym environment): the loop never sleeps for them.</summary>
    bool HasRealTime { get; }

    /// <summary>A new episode starts (scene placement, expert planning).</summary>
    void BeginEpisode(int episodeIndex, int seed);

    /// <summary>One control tick: observe, act, and return what to record.</summary>
    SourceTick Tick();

    /// <summary>One tick of the reset phase: the operator keeps control, nothing is recorded.</summary>
    void ResetTick();
}

/// <summary>One recorded tick.</summary>
/// <param name="Frame">The frame to write.</param>
/// <param name="Done">The task is over (simulated sources).</param>
/// <param name="Success">Task success, when the source knows it.</param>
/// <param name="CameraRepeats">Cameras whose frame was not new this tick.</param>
internal readonly record struct SourceTick(DatasetFrame Frame, bool Done, bool? Success, int CameraRepeats);
