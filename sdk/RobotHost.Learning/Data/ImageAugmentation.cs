namespace RobotHost.Learning.Data;

/// <summary>
/// Training-time image augmentation on CHW floats in [0, 1], run on loader threads: a random crop of the image padded
/// by <see cref="CropPadding"/> edge pixels (a random shift that keeps the size, so inference needs no crop; DrQ-style),
/// and colour jitter of brightness, contrast and saturation by factors in [1 − s, 1 + s].
/// One draw per sample is applied to all of its observation frames so motion between frames stays coherent.
/// </summary>
/// <param name="CropPadding">Pixels of padding for the random crop; 0 disables.</param>
/// <param name="ColorJitter">Jitter strength s; 0 disables.</param>
public sealed record ImageAugmentation(int CropPadding, double ColorJitter)
{
    /// <summary>True when the augmentation changes anything.</summary>
    public bool IsActive => CropPadding > 0 || ColorJitter > 0;

    /// <summary>One random draw for a sample.</summary>
    public Draw Sample(Random random) => new(
        CropPadding > 0 ? random.Next(-CropPadding, CropPadding + 1) : 0,
        CropPadding > 0 ? random.Next(-CropPadding, CropPadding + 1) : 0,
        Factor(random), Factor(random), Factor(random));

    private float Factor(Random random) => ColorJitter > 0 ? (float)(1 + ColorJitter * (2 * random.NextDouble() - 1)) : 1f;

    /// <summary>Applies a draw in place to one CHW image.</summary>
    public static void Apply(in Draw draw, Span<float> chw, int height, int width)
    {
        var plane = height * width;
        if (draw.ShiftX != 0 || draw.ShiftY != 0)
        {
            var copy = chw.ToArray();
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < height; y++)
                {
                    var sy = Math.Clamp(y + draw.ShiftY, 0, height - 1);
                    for (var x = 0; x < width; x++)
                        chw[c * plane + y * width + x] = copy[c * plane + sy * width + Math.Clamp(x + draw.ShiftX, 0, width - 1)];
                }
        }
        if (draw.Brightness == 1f && draw.Contrast == 1f && draw.Saturation == 1f) return;
        // torchvision's order: brightness, contrast (around the mean grey), saturation (towards the per-pixel grey).
        double mean = 0;
        for (var p = 0; p < plane; p++) mean += 0.299 * chw[p] + 0.587 * chw[plane + p] + 0.114 * chw[2 * plane + p];
        var grey = (float)(mean / plane) * draw.Brightness;
        for (var p = 0; p < plane; p++)
        {
            var r = chw[p] * draw.Brightness;
            var g = chw[plane + p] * draw.Brightness;
            var b = chw[2 * plane + p] * draw.Brightness;
            r = (r - grey) * draw.Contrast + grey;
            g = (g - grey) * draw.Contrast + grey;
            b = (b - grey) * draw.Contrast + grey;
            var l = 0.299f * r + 0.587f * g + 0.114f * b;
            chw[p] = Math.Clamp((r - l) * draw.Saturation + l, 0f, 1f);
            chw[plane + p] = Math.Clamp((g - l) * draw.Saturation + l, 0f, 1f);
            chw[2 * plane + p] = Math.Clamp((b - l) * draw.Saturation + l, 0f, 1f);
        }
    }

    /// <summary>One sample's augmentation parameters.</summary>
    public readonly record struct Draw(int ShiftX, int ShiftY, float Brightness, float Contrast, float Saturation);
}
