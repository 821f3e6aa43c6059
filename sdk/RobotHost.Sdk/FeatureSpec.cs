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
    /// <summary>True for camera features (dtype image or video).</summary>
    public bool IsVisual => DType is "video" or "image";

    /// <summary>Number of scalar elements in one frame's value.</summary>
    public int ElementCount => Shape.Aggregate(1, (a, b) => a * b);

    /// <summary>A float32 vector feature with the given element names.</summary>
    public static FeatureSpec Vector(string key, IReadOnlyList<string> names) => new(key, "float32", [names.Count], names);

    /// <summary>A video feature of an RGB camera.</summary>
    public static FeatureSpec Video(string key, int height, int width) => new(key, "video", [height, width, 3], ["height", "width", "channels"]);
}
