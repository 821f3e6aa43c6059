namespace RobotHost.Plugins.Sim.SO101.Rendering;

/// <summary>Seeded camera imperfections: a per-episode colour cast and per-frame sensor noise, deterministic for a seed and tick.</summary>
public static class ImageNoise
{
    /// <summary>Per-channel gains in [1 − amount, 1 + amount] drawn from the episode seed and the camera.</summary>
    public static (double R, double G, double B) ColorGains(int seed, int view, double amount)
    {
        if (amount <= 0) return (1, 1, 1);
        var rng = new Random(unchecked(seed * 31 + view * 1009 + 17));
        double G() => 1 + (rng.NextDouble() * 2 - 1) * amount;
        return (G(), G(), G());
    }

    /// <summary>Adds zero-mean uniform noise with standard deviation <paramref name="sigma"/> (levels), xorshift-seeded.</summary>
    public static void AddNoise(byte[] rgb, double sigma, int seed, long tick, int view)
    {
        if (sigma <= 0) return;
        var state = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)tick * 0xBF58476D1CE4E5B9UL) ^ ((ulong)view * 0x94D049BB133111EBUL)) | 1UL;
        var amplitude = sigma * Math.Sqrt(3); // uniform on [−a, a] has std a/√3
        for (var i = 0; i < rgb.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            var u = (state >> 40) / (double)(1UL << 24) * 2 - 1;
            var v = rgb[i] + u * amplitude;
            rgb[i] = (byte)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
        }
    }
}
