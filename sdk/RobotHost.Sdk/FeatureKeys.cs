namespace RobotHost.Sdk;

/// <summary>The LeRobot feature keys shared by robots, datasets and policies.</summary>
public static class FeatureKeys
{
    /// <summary>The commanded joint vector.</summary>
    public const string Action = "action";
    /// <summary>The measured joint vector.</summary>
    public const string State = "observation.state";
    /// <summary>Prefix of camera features: <c>observation.images.&lt;camera&gt;</c>.</summary>
    public const string ImagePrefix = "observation.images.";
    /// <summary>Per-frame reward (simulated tasks).</summary>
    public const string Reward = "next.reward";
    /// <summary>Per-frame success flag (simulated tasks), 1 when the task is done.</summary>
    public const string Success = "next.success";

    /// <summary>Per-frame flag (bool, shape [1]): true when a person or an expert produced the executed action.</summary>
    public const string Intervention = "intervention";
    /// <summary>Per-frame code (int64, shape [1]) of who produced the action: a <see cref="FrameSource"/> value.</summary>
    public const string Source = "source";

    /// <summary>The image feature key of a camera name.</summary>
    public static string Image(string camera) => ImagePrefix + camera;
}
