namespace RobotHost.Sdk;

/// <summary>
/// Describes one feature of observations, actions or dataset frames, LeRobot-style:
/// e.g. <c>observation.state</c>, float32, [6], names <c>shoulder_pan.pos…</c>; or
/// <c>observation.images.front</c>, video, [480, 640, 3], names [height, width, channels].
/// Readable before a device connects.
/// </summary>
/// <param name="Key">Feature key, e.g. <c>action</c>, <c>observation.state</c>, <c>observation.images.front</c>.</param>
/// <param name="DType">"float32", "int64", "bool", "string", "image" or "video".</param>
/// <param name="Shape">Shape of one frame's value.</param>
/// <param name="Names">Names of the elements (joint names for vectors), or null.</param>
public sealed record FeatureSpec(string Key, string DType, IReadOnlyList<int> Shape, IReadOnlyList<string>? Names)
{
    /// <summary>
    /// Lowest valid value of each element (in its <see cref="Units"/>), or null when the robot states none: e.g. the
    /// calibrated range of each joint, which the TUI draws its bars over and the dataset check tests values against.
    /// </summary>
    public IReadOnlyList<double>? Lower { get; init; }

    /// <summary>Highest valid value of each element (in its <see cref="Units"/>), or null when the robot states none.</summary>
    public IReadOnlyList<double>? Upper { get; init; }

    /// <summary>Unit of each element's value, e.g. <c>deg</c> for a joint and <c>%</c> for a gripper, or null when unstated.</summary>
    public IReadOnlyList<string>? Units { get; init; }

    /// <summary>True when <see cref="Lower"/> and <see cref="Upper"/> give one finite, non-empty range per element.</summary>
    public bool HasLimits =>
        Lower is { } lower && Upper is { } upper && lower.Count == ElementCount && upper.Count == ElementCount
        && lower.Zip(upper).All(p => double.IsFinite(p.First) && double.IsFinite(p.Second) && p.First < p.Second);

    /// <summary>This feature with per-element limits (and optionally units).</summary>
    public FeatureSpec WithLimits(IReadOnlyList<double> lower, IReadOnlyList<double> upper, IReadOnlyList<string>? units = null) =>
        this with { Lower = lower, Upper = upper, Units = units ?? Units };

    /// <summary>True for camera features (dtype image or video).</summary>
    public bool IsVisual => DType is "video" or "image";

    /// <summary>Number of scalar elements in one frame's value.</summary>
    public int ElementCount => Shape.Aggregate(1, (a, b) => a * b);

    /// <summary>A float32 vector feature with the given element names.</summary>
    public static FeatureSpec Vector(string key, IReadOnlyList<string> names) => new(key, "float32", [names.Count], names);

    /// <summary>A video feature of an RGB camera.</summary>
    public static FeatureSpec Video(string key, int height, int width) => new(key, "video", [height, width, 3], ["height", "width", "channels"]);
}
