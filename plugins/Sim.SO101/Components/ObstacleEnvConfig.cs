using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Components;

/// <summary>Config of the <c>obstacle_2d</c> environment.</summary>
public sealed record ObstacleEnvConfig : ComponentConfig
{
    /// <summary><c>top</c> adds a rendered top view (<c>observation.images.top</c>); empty = state only.</summary>
    public string Cameras { get; init; } = "";

    /// <summary>Rendered image width.</summary>
    public int ImageWidth { get; init; } = 96;

    /// <summary>Rendered image height.</summary>
    public int ImageHeight { get; init; } = 96;

    /// <summary>Step limit of an episode (the expert needs about 80 at 30 fps).</summary>
    public int MaxSteps { get; init; } = 150;

    /// <summary>Control rate.</summary>
    public int Fps { get; init; } = 30;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var camera in SimConfigRules.CameraList(Cameras))
            if (camera != "top") yield return $"cameras must be 'top' or empty, got '{camera}'";
        foreach (var p in SimConfigRules.Size("image_width", ImageWidth)) yield return p;
        foreach (var p in SimConfigRules.Size("image_height", ImageHeight)) yield return p;
        if (MaxSteps is < 1 or > 100_000) yield return $"max_steps must be between 1 and 100000, got {MaxSteps}";
        foreach (var p in SimConfigRules.Fps(Fps)) yield return p;
    }
}
