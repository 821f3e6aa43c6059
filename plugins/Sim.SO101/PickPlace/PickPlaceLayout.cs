using RobotHost.Plugins.Sim.SO101.Arm;

namespace RobotHost.Plugins.Sim.SO101.PickPlace;

/// <summary>
/// The fixed furniture of the pick-and-place table (rig frame, metres): six cube zones on two rings in front of the
/// arm, three angles each, all within easy top-down reach of an SO-101; the bin to the arm's left.
/// </summary>
public static class PickPlaceLayout
{
    public const int ZoneCount = 6;
    public const double CubeSize = 0.03;
    public const double ZoneSize = 0.065;
    /// <summary>How far (each way) a cube may sit from its zone's centre.</summary>
    public const double CubeJitter = 0.014;

    public static readonly double[] ZoneAngles = [-50, -20, 10];
    public static readonly double[] ZoneRadii = [0.155, 0.225];

    public static readonly Vec3 BinCenter = Polar(55, 0.20, 0);
    public const double BinHalfSize = 0.05;
    public const double BinWallHeight = 0.04;
    public const double BinFloor = 0.004;

    /// <summary>Table top extents (x forward, y left), metres.</summary>
    public const double TableMinX = -0.12, TableMaxX = 0.38, TableMinY = -0.32, TableMaxY = 0.32;

    /// <summary>Centre of zone 1–6 (zone = ring·3 + angle + 1: zones 1–3 on the near ring from right to left).</summary>
    public static Vec3 ZoneCenter(int zone)
    {
        var index = zone - 1;
        return Polar(ZoneAngles[index % 3], ZoneRadii[index / 3], CubeSize / 2);
    }

    public static bool OverBin(Vec3 p) =>
        Math.Abs(p.X - BinCenter.X) < BinHalfSize && Math.Abs(p.Y - BinCenter.Y) < BinHalfSize;

    public static Vec3 Polar(double angleDeg, double radius, double z) =>
        new(radius * Math.Cos(angleDeg * Math.PI / 180), radius * Math.Sin(angleDeg * Math.PI / 180), z);
}
