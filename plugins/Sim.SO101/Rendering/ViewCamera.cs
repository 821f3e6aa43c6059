using OpenCvSharp;
using RobotHost.Plugins.Sim.SO101.Arm;

namespace RobotHost.Plugins.Sim.SO101.Rendering;

/// <summary>A pinhole camera in the rig frame: image x along <see cref="Right"/>, y along <see cref="Down"/>, depth along <see cref="Forward"/>.</summary>
public sealed class ViewCamera
{
    public const double Near = 0.01;
    // Sub-pixel precision of OpenCV's drawing calls: coordinates are fixed-point with this many fractional bits.
    public const int Shift = 4;
    private const double Scale = 1 << Shift;

    public ViewCamera(Vec3 position, Vec3 forward, Vec3 upHint, double horizontalFovDeg, int width, int height)
    {
        Position = position;
        Forward = forward.Normalized();
        Right = Forward.Cross(upHint).Normalized();
        Down = Forward.Cross(Right);
        // The field of view is that of a 4:3 image; narrower images (e.g. 96×96 for training) crop its sides rather
        // than shrink the scene, as a centre crop of a real camera's frame would.
        Focal = 0.5 * Math.Max(width, height * 4.0 / 3.0) / Math.Tan(horizontalFovDeg * Math.PI / 360);
        Cx = width / 2.0;
        Cy = height / 2.0;
    }

    public Vec3 Position { get; }
    public Vec3 Forward { get; }
    public Vec3 Right { get; }
    public Vec3 Down { get; }
    public double Focal { get; }
    public double Cx { get; }
    public double Cy { get; }

    public static ViewCamera LookAt(Vec3 position, Vec3 target, double fovDeg, int width, int height) =>
        new(position, target - position, new Vec3(0, 0, 1), fovDeg, width, height);

    public Vec3 ToCamera(Vec3 p)
    {
        var d = p - Position;
        return new Vec3(d.Dot(Right), d.Dot(Down), d.Dot(Forward));
    }

    public double Depth(Vec3 p) => (p - Position).Dot(Forward);

    public Point Project(Vec3 c) => new(
        (int)Math.Round((Cx + Focal * c.X / c.Z) * Scale), (int)Math.Round((Cy + Focal * c.Y / c.Z) * Scale));

    /// <summary>Projects a world polygon, clipped against the near plane (Sutherland–Hodgman); empty when behind the camera.</summary>
    public Point[] ProjectPolygon(ReadOnlySpan<Vec3> world)
    {
        Span<Vec3> cam = stackalloc Vec3[world.Length];
        var allInFront = true;
        var anyInFront = false;
        for (var i = 0; i < world.Length; i++)
        {
            cam[i] = ToCamera(world[i]);
            if (cam[i].Z < Near) allInFront = false; else anyInFront = true;
        }
        if (!anyInFront) return [];
        if (allInFront)
        {
            var points = new Point[cam.Length];
            for (var i = 0; i < cam.Length; i++) points[i] = Project(cam[i]);
            return points;
        }
        var clipped = new List<Point>(world.Length + 2);
        for (var i = 0; i < cam.Length; i++)
        {
            var a = cam[i];
            var b = cam[(i + 1) % cam.Length];
            var aIn = a.Z >= Near;
            var bIn = b.Z >= Near;
            if (aIn) clipped.Add(Project(a));
            if (aIn != bIn) clipped.Add(Project(a + (b - a) * ((Near - a.Z) / (b.Z - a.Z))));
        }
        return clipped.ToArray();
    }

    /// <summary>Projects a segment clipped to the near plane; false when wholly behind the camera.</summary>
    public bool ProjectSegment(Vec3 a, Vec3 b, out Point pa, out Point pb, out double meanDepth)
    {
        var ca = ToCamera(a);
        var cb = ToCamera(b);
        pa = pb = default;
        meanDepth = 0;
        if (ca.Z < Near && cb.Z < Near) return false;
        if (ca.Z < Near) ca += (cb - ca) * ((Near - ca.Z) / (cb.Z - ca.Z));
        else if (cb.Z < Near) cb += (ca - cb) * ((Near - cb.Z) / (ca.Z - cb.Z));
        pa = Project(ca);
        pb = Project(cb);
        meanDepth = (ca.Z + cb.Z) / 2;
        return true;
    }
}
