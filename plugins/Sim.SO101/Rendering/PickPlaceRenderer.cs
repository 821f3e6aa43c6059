using System.Runtime.InteropServices;
using OpenCvSharp;
using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.PickPlace;

namespace RobotHost.Plugins.Sim.SO101.Rendering;

/// <summary>Which camera of the rig a renderer draws.</summary>
public enum RigView
{
    /// <summary>Fixed camera in front of the table looking back at the arm.</summary>
    Front,
    /// <summary>Camera on the gripper looking along it, jaws at the bottom of the image.</summary>
    Wrist,
}

/// <summary>How the front camera frames the table.</summary>
public enum FrontFraming
{
    /// <summary>The whole table: arm, six zones and bin (58° field of view; the far-left zone 4 sits at the image edge).</summary>
    Table,
    /// <summary>Aimed at and zoomed on the six zones (42°): the cube 1.4× larger, every zone inside with a margin, the bin half out of view.</summary>
    Zones,
}

/// <summary>
/// Draws the pick-and-place scene with OpenCV: table, zone markings, bin, cube, arm links and gripper from forward
/// kinematics, as RGB (HWC) bytes. Flat shading, painter's algorithm (far first), anti-aliased edges.
/// One instance per camera; not thread-safe (it reuses its canvas).
/// </summary>
public sealed class PickPlaceRenderer : IDisposable
{
    private static readonly Vec3 FrontPosition = new(0.64, -0.12, 0.40);
    private static readonly Vec3 FrontTarget = new(0.12, 0.03, 0.02);
    private static readonly Vec3 ZonesTarget = new(0.14, -0.05, 0.02);
    private readonly ViewCamera? _frontCamera;

    private readonly Mat _canvas;
    private readonly List<(double Depth, Action Draw)> _drawables = new(32);
    private (double R, double G, double B) _gains = (1, 1, 1);
    private ViewCamera _camera = null!;

    public PickPlaceRenderer(RigView view, int width, int height, double noise = 0, double colorJitter = 0, FrontFraming framing = FrontFraming.Table)
    {
        View = view;
        Framing = framing;
        // The front camera is fixed: one per renderer, not per frame.
        if (view == RigView.Front)
            _frontCamera = framing == FrontFraming.Zones
                ? ViewCamera.LookAt(FrontPosition, ZonesTarget, 42, width, height)
                : ViewCamera.LookAt(FrontPosition, FrontTarget, 58, width, height);
        Width = width;
        Height = height;
        Noise = noise;
        ColorJitter = colorJitter;
        _canvas = new Mat(height, width, MatType.CV_8UC3);
        // Anti-aliasing matters at training sizes (edges a few pixels wide carry the information) and costs most on
        // large images, where aliased edges are barely visible: large images fill polygons without it.
        var large = width * height > 160_000;
        _fillType = large ? LineTypes.Link8 : LineTypes.AntiAlias;
        _lineType = large ? LineTypes.Link8 : LineTypes.AntiAlias;
    }

    private readonly LineTypes _fillType;
    private readonly LineTypes _lineType;

    public RigView View { get; }
    public FrontFraming Framing { get; }
    public int Width { get; }
    public int Height { get; }
    public double Noise { get; }
    public double ColorJitter { get; }

    public byte[] Render(SceneState scene)
    {
        var pose = So101Kinematics.Forward(scene.Joints);
        _camera = _frontCamera
            // On the gripper's back, 3.5 cm off its axis, looking along it and slightly toward the fingertips.
            ?? new ViewCamera(pose.Wrist + pose.Forward * 0.015 - pose.Up * 0.035, pose.Forward + pose.Up * 0.3, -1 * pose.Up, 85, Width, Height);
        _gains = ImageNoise.ColorGains(scene.Seed, (int)View, ColorJitter);

        _canvas.SetTo(Color(70, 74, 82)); // floor and walls of the room
        DrawTable();
        DrawShadows(scene, pose);
        _drawables.Clear();
        AddBin();
        AddCube(scene);
        AddArm(pose);
        _drawables.Sort((a, b) => b.Depth.CompareTo(a.Depth));
        foreach (var (_, draw) in _drawables) draw();

        var rgb = new byte[Width * Height * 3];
        Marshal.Copy(_canvas.Data, rgb, 0, rgb.Length);
        ImageNoise.AddNoise(rgb, Noise, scene.Seed, scene.EpisodeTick, (int)View);
        return rgb;
    }

    private Scalar Color(double r, double g, double b) =>
        new(Math.Min(255, r * _gains.R), Math.Min(255, g * _gains.G), Math.Min(255, b * _gains.B));

    private void Fill(ReadOnlySpan<Vec3> polygon, Scalar color)
    {
        var points = _camera.ProjectPolygon(polygon);
        if (points.Length >= 3) Cv2.FillConvexPoly(_canvas, points, color, _fillType, ViewCamera.Shift);
    }

    private void Segment(Vec3 a, Vec3 b, double radius, Scalar color)
    {
        if (!_camera.ProjectSegment(a, b, out var pa, out var pb, out var depth)) return;
        var thickness = Math.Clamp((int)Math.Round(2 * radius * _camera.Focal / Math.Max(depth, 0.02)), 1, 4 * Math.Max(Width, Height));
        Cv2.Line(_canvas, pa, pb, color, thickness, _lineType, ViewCamera.Shift);
    }

    private void DrawTable()
    {
        const double minX = PickPlaceLayout.TableMinX, maxX = PickPlaceLayout.TableMaxX;
        const double minY = PickPlaceLayout.TableMinY, maxY = PickPlaceLayout.TableMaxY;
        Fill([new(minX, minY, 0), new(maxX, minY, 0), new(maxX, maxY, 0), new(minX, maxY, 0)], Color(196, 160, 112));
        // The table's front edge, so the top reads as a slab.
        Fill([new(maxX, minY, 0), new(maxX, maxY, 0), new(maxX, maxY, -0.03), new(maxX, minY, -0.03)], Color(140, 108, 70));
        const double half = PickPlaceLayout.ZoneSize / 2;
        var mark = Color(238, 226, 196);
        for (var zone = 1; zone <= PickPlaceLayout.ZoneCount; zone++)
        {
            var c = PickPlaceLayout.ZoneCenter(zone) with { Z = 0.0005 };
            Vec3[] corners = [c + new Vec3(-half, -half, 0), c + new Vec3(half, -half, 0), c + new Vec3(half, half, 0), c + new Vec3(-half, half, 0)];
            Fill(corners, Color(212, 180, 134));
            for (var i = 0; i < 4; i++) Segment(corners[i], corners[(i + 1) % 4], 0.0018, mark);
            // Zone number as tally dots along the zone's near edge, so zones are told apart in the image.
            for (var k = 0; k < zone; k++)
            {
                var dot = c + new Vec3(half - 0.008, -half + 0.008 + k * 0.009, 0);
                Segment(dot, dot + new Vec3(0.0001, 0, 0), 0.0025, mark);
            }
        }
    }

    private void DrawShadows(SceneState scene, ArmPose pose)
    {
        var shade = Color(150, 120, 84);
        var half = PickPlaceLayout.CubeSize / 2 * (1 + scene.Cube.Z * 2);
        var c = scene.Cube with { Z = 0.0008 };
        if (scene.Cube.Z > PickPlaceLayout.CubeSize / 2 + 0.002 && !PickPlaceLayout.OverBin(scene.Cube))
            Fill([c + new Vec3(-half, -half, 0), c + new Vec3(half, -half, 0), c + new Vec3(half, half, 0), c + new Vec3(-half, half, 0)], shade);
        var tip = pose.Tip with { Z = 0.0008 };
        var palm = pose.Wrist with { Z = 0.0008 };
        Segment(palm, tip, 0.012, shade);
    }

    private void AddBin()
    {
        var b = PickPlaceLayout.BinCenter;
        const double h = PickPlaceLayout.BinHalfSize, top = PickPlaceLayout.BinWallHeight, floor = PickPlaceLayout.BinFloor;
        Vec3[] corners = [new(b.X - h, b.Y - h, 0), new(b.X + h, b.Y - h, 0), new(b.X + h, b.Y + h, 0), new(b.X - h, b.Y + h, 0)];
        var floorPoly = corners.Select(p => p with { Z = floor }).ToArray();
        var floorColor = Color(34, 52, 110);
        _drawables.Add((_camera.Depth(b) + 1.0, () => Fill(floorPoly, floorColor))); // floor first, whatever else
        for (var i = 0; i < 4; i++)
        {
            var a = corners[i];
            var c = corners[(i + 1) % 4];
            Vec3[] wall = [a, c, c with { Z = top }, a with { Z = top }];
            var mid = (a + c) * 0.5 + new Vec3(0, 0, top / 2);
            var outward = (mid - b) with { Z = 0 };
            var facing = outward.Dot(_camera.Position - mid) > 0; // outside face seen: lighter blue
            var color = facing ? Color(58, 96, 186) : Color(44, 72, 150);
            _drawables.Add((_camera.Depth(mid), () =>
            {
                Fill(wall, color);
                Segment(wall[2], wall[3], 0.002, Color(90, 130, 220));
            }));
        }
    }

    private void AddCube(SceneState scene)
    {
        var c = scene.Cube;
        var s = PickPlaceLayout.CubeSize / 2;
        var yaw = scene.CubeYaw * Math.PI / 180;
        var ax = new Vec3(Math.Cos(yaw), Math.Sin(yaw), 0) * s;
        var ay = new Vec3(-Math.Sin(yaw), Math.Cos(yaw), 0) * s;
        var az = new Vec3(0, 0, s);
        var camera = _camera;
        (Vec3 Normal, Scalar Color)[] faces =
        [
            (az, Color(236, 64, 52)), (-1 * az, Color(150, 24, 20)),
            (ax, Color(200, 36, 30)), (-1 * ax, Color(186, 32, 28)), (ay, Color(176, 30, 26)), (-1 * ay, Color(210, 40, 34)),
        ];
        _drawables.Add((camera.Depth(c), () =>
        {
            foreach (var (n, color) in faces)
            {
                var center = c + n;
                if (n.Dot(camera.Position - center) <= 0) continue; // back face
                var (u, v) = n == az || n == -1 * az ? (ax, ay) : n == ax || n == -1 * ax ? (ay, az) : (ax, az);
                Fill([center - u - v, center + u - v, center + u + v, center - u + v], color);
            }
        }));
    }

    private void AddArm(ArmPose pose)
    {
        var dark = Color(48, 48, 52);
        var link = Color(236, 232, 220);
        var joint = Color(40, 40, 44);
        // The wrist camera rides on the gripper: of the arm it sees only the fingers.
        if (View == RigView.Front)
        {
            // Base: a dark block under the shoulder.
            _drawables.Add((_camera.Depth(pose.Base) + 0.02, () =>
            {
                Segment(new Vec3(0, 0, 0), new Vec3(0, 0, 0.07), 0.035, dark);
                Segment(new Vec3(0, 0, 0.07), pose.Shoulder, 0.022, dark);
            }));
            AddLink(pose.Shoulder, pose.Elbow, 0.016, link, joint);
            AddLink(pose.Elbow, pose.Wrist, 0.014, link, joint);
            AddLink(pose.Wrist, pose.Palm, 0.015, Color(60, 60, 64), joint);
        }
        // Jaws: fixed and moving fingers either side of the grasp axis, gap from the gripper joint.
        var half = pose.JawGap / 2 + 0.004;
        foreach (var sign in new[] { -1.0, 1.0 })
        {
            var root = pose.Palm + pose.JawAxis * (sign * half);
            var tip = pose.Tip + pose.Forward * 0.012 + pose.JawAxis * (sign * half);
            var jaw = Color(70, 70, 76);
            _drawables.Add((_camera.Depth((root + tip) * 0.5), () => Segment(root, tip, 0.005, jaw)));
        }
        if (View == RigView.Front)
            _drawables.Add((_camera.Depth(pose.Palm), () => Segment(pose.Palm + pose.JawAxis * -half, pose.Palm + pose.JawAxis * half, 0.007, Color(60, 60, 64))));
    }

    private void AddLink(Vec3 a, Vec3 b, double radius, Scalar color, Scalar jointColor) =>
        _drawables.Add((_camera.Depth((a + b) * 0.5), () =>
        {
            Segment(a, b, radius * 1.25, jointColor);
            Segment(a, b, radius, color);
        }));

    public void Dispose() => _canvas.Dispose();
}
