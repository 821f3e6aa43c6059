using RobotHost.Sdk;

namespace RobotHost.Learning.Policies;

/// <summary>
/// What a policy model reads and writes, fixed when it is created from a dataset schema and saved in config.json:
/// the state vector (optional), the cameras (possibly none), the action vector, and the data's frame rate.
/// </summary>
/// <param name="State">The <c>observation.state</c> feature, or null for an image-only policy.</param>
/// <param name="Images">Camera features (<c>observation.images.*</c>) in a fixed order.</param>
/// <param name="Action">The <c>action</c> feature.</param>
/// <param name="Fps">Frames per second of the training data (turns frame offsets into delta timestamps).</param>
public sealed record PolicyFeatures(FeatureSpec? State, IReadOnlyList<FeatureSpec> Images, FeatureSpec Action, int Fps)
{
    /// <summary>Elements of the state vector (0 without state).</summary>
    public int StateDim => State?.ElementCount ?? 0;

    /// <summary>Elements of the action vector.</summary>
    public int ActionDim => Action.ElementCount;

    /// <summary>Image height and width of camera <paramref name="i"/> (shape is [H, W, C]).</summary>
    public (int Height, int Width) ImageSize(int i) => (Images[i].Shape[0], Images[i].Shape[1]);

    /// <summary>The camera name of an image feature: <c>observation.images.front</c> → <c>front</c>.</summary>
    public static string CameraName(FeatureSpec image) =>
        image.Key.StartsWith(FeatureKeys.ImagePrefix, StringComparison.Ordinal) ? image.Key[FeatureKeys.ImagePrefix.Length..] : image.Key;

    /// <summary>
    /// Picks a policy's features from a dataset: its state and action, and its cameras
    /// (all of them when <paramref name="cameras"/> is null, none when empty, else those named).
    /// </summary>
    /// <exception cref="RobotHostException">No action feature, or a named camera the dataset lacks.</exception>
    public static PolicyFeatures FromSchema(DatasetSchema schema, IReadOnlyList<string>? cameras, bool useState = true)
    {
        var action = schema.Features.FirstOrDefault(f => f.Key == FeatureKeys.Action)
            ?? throw new RobotHostException($"dataset has no '{FeatureKeys.Action}' feature; a policy needs actions to imitate (has: {string.Join(", ", schema.Features.Select(f => f.Key))})");
        var state = useState ? schema.Features.FirstOrDefault(f => f.Key == FeatureKeys.State) : null;
        var visual = schema.VisualFeatures.ToList();
        List<FeatureSpec> images;
        if (cameras is null) images = visual;
        else
        {
            images = [];
            foreach (var name in cameras)
            {
                var found = visual.FirstOrDefault(f => f.Key == name || CameraName(f) == name)
                    ?? throw new RobotHostException($"camera '{name}' is not in the dataset; its cameras are: {string.Join(", ", visual.Select(CameraName))}");
                images.Add(found);
            }
        }
        if (state is null && images.Count == 0)
            throw new RobotHostException("the policy would see nothing: the dataset has no observation.state and no camera was selected");
        return new PolicyFeatures(state, images, action, schema.Fps);
    }
}
