using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Per-channel statistics of a camera over an episode, in [0,1], from 256-bin histograms of every frame
/// downsampled to about 150 px like LeRobot's auto_downsample_height_width (compute_stats.py). Byte histograms
/// make min, max, mean, std and the quantiles exact for the sampled pixels at a few microseconds per frame.
/// </summary>
public sealed class ImageStatsAccumulator
{
    private readonly long[][] _histogram = [new long[256], new long[256], new long[256]];
    private long _frames;

    /// <summary>Adds one RGB HWC frame.</summary>
    public void Add(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var step = Math.Max(1, Math.Max(width, height) < 300 ? 1 : Math.Max(width, height) / 150);
        for (var y = 0; y < height; y += step)
        {
            var row = rgb.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x += step)
            {
                _histogram[0][row[x * 3]]++;
                _histogram[1][row[x * 3 + 1]]++;
                _histogram[2][row[x * 3 + 2]]++;
            }
        }
        _frames++;
    }

    /// <summary>Frames added.</summary>
    public long Frames => _frames;

    /// <summary>Statistics per channel; count is the number of frames (LeRobot counts sampled images).</summary>
    public FeatureStats ToStats()
    {
        var min = new double[3]; var max = new double[3]; var mean = new double[3]; var std = new double[3];
        var quantiles = LeRobotLayout.Quantiles.ToDictionary(q => q.Name, _ => new double[3]);
        for (var c = 0; c < 3; c++)
        {
            var h = _histogram[c];
            long n = 0; double sum = 0, sq = 0;
            for (var v = 0; v < 256; v++) { n += h[v]; sum += h[v] * (v / 255.0); sq += h[v] * (v / 255.0) * (v / 255.0); }
            if (n == 0) continue;
            min[c] = Array.FindIndex(h, x => x > 0) / 255.0;
            max[c] = Array.FindLastIndex(h, x => x > 0) / 255.0;
            mean[c] = sum / n;
            std[c] = Math.Sqrt(Math.Max(0, sq / n - mean[c] * mean[c]));
            foreach (var (name, q) in LeRobotLayout.Quantiles)
                quantiles[name][c] = (ValueAtRank(h, (long)Math.Floor(q * (n - 1))) + (ValueAtRank(h, (long)Math.Ceiling(q * (n - 1))) - ValueAtRank(h, (long)Math.Floor(q * (n - 1)))) * (q * (n - 1) - Math.Floor(q * (n - 1)))) / 255.0;
        }
        return new FeatureStats(min, max, mean, std, _frames, quantiles);
    }

    private static double ValueAtRank(long[] histogram, long rank)
    {
        long seen = 0;
        for (var v = 0; v < 256; v++)
        {
            seen += histogram[v];
            if (seen > rank) return v;
        }
        return 255;
    }
}
