namespace RobotHost.Plugins.Sim.SO101.Arm;

/// <summary>A point or direction in the rig's frame, metres: x forward from the arm's base, y to its left, z up from the table.</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);
    public static Vec3 operator *(double s, Vec3 a) => a * s;

    public double Dot(Vec3 b) => X * b.X + Y * b.Y + Z * b.Z;
    public Vec3 Cross(Vec3 b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);
    public double Length => Math.Sqrt(Dot(this));
    public Vec3 Normalized() => this * (1.0 / Length);
    public double HorizontalDistance(Vec3 b) => Math.Sqrt((X - b.X) * (X - b.X) + (Y - b.Y) * (Y - b.Y));
    /// <summary>Horizontal distance from the arm's pan axis (the reach of a <see cref="TaskPose"/>).</summary>
    public double Reach => Math.Sqrt(X * X + Y * Y);
    /// <summary>Pan angle toward this point, degrees (0 = straight ahead, positive toward +y), as <see cref="TaskPose.Pan"/>.</summary>
    public double PanDegrees => Math.Atan2(Y, X) * 180 / Math.PI;
}
