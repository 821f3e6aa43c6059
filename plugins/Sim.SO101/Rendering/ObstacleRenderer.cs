using System.Runtime.InteropServices;
using OpenCvSharp;
using RobotHost.Plugins.Sim.SO101.Obstacle;

namespace RobotHost.Plugins.Sim.SO101.Rendering;

/// <summary>Top view of the obstacle arena (goal up): obstacle grey, goal green, agent blue, as RGB (HWC) bytes.</summary>
public sealed class ObstacleRenderer(int width, int height) : IDisposable
{
    private readonly Mat _canvas = new(height, width, MatType.CV_8UC3);
    private const int Shift = 4;

    public int Width { get; } = width;
    public int Height { get; } = height;

    private Point Map(double x, double y) => new(
        (int)Math.Round((x + ObstacleLayout.ArenaHalfWidth) / (2 * ObstacleLayout.ArenaHalfWidth) * Width * (1 << Shift)),
        (int)Math.Round((1 - y / ObstacleLayout.ArenaHeight) * Height * (1 << Shift)));

    private int Radius(double r) => (int)Math.Round(r / (2 * ObstacleLayout.ArenaHalfWidth) * Width * (1 << Shift));

    public byte[] Render(ObstacleWorld world)
    {
        _canvas.SetTo(new Scalar(232, 232, 226));
        const double cx = ObstacleLayout.ObstacleCenterX, cy = ObstacleLayout.ObstacleCenterY;
        const double hw = ObstacleLayout.ObstacleHalfWidth, hh = ObstacleLayout.ObstacleHalfHeight;
        Cv2.FillConvexPoly(_canvas, [Map(cx - hw, cy - hh), Map(cx + hw, cy - hh), Map(cx + hw, cy + hh), Map(cx - hw, cy + hh)],
            new Scalar(90, 90, 96), LineTypes.AntiAlias, Shift);
        Cv2.Circle(_canvas, Map(ObstacleLayout.GoalX, ObstacleLayout.GoalY), Math.Max(Radius(ObstacleLayout.GoalRadius), 1 << Shift),
            new Scalar(40, 170, 60), -1, LineTypes.AntiAlias, Shift);
        Cv2.Circle(_canvas, Map(world.X, world.Y), Math.Max(Radius(ObstacleLayout.AgentRadius), 1 << Shift),
            new Scalar(30, 70, 220), -1, LineTypes.AntiAlias, Shift);
        var rgb = new byte[Width * Height * 3];
        Marshal.Copy(_canvas.Data, rgb, 0, rgb.Length);
        return rgb;
    }

    public void Dispose() => _canvas.Dispose();
}
