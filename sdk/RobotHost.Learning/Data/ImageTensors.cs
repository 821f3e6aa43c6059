using RobotHost.Sdk;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Data;

/// <summary>Conversions between camera frames (RGB HWC bytes) and the float CHW layout networks read.</summary>
public static class ImageTensors
{
    /// <summary>Writes a frame as CHW floats in [0, 1] into <paramref name="destination"/> (length 3·H·W).</summary>
    /// <exception cref="RobotHostException">The frame is not the expected size.</exception>
    public static void ToChw(CameraFrame frame, Span<float> destination, int height, int width)
    {
        if (frame.Width != width || frame.Height != height)
        {
            ResizeNearest(frame, destination, height, width);
            return;
        }
        var plane = height * width;
        var rgb = frame.Rgb;
        for (var p = 0; p < plane; p++)
        {
            destination[p] = rgb[3 * p] / 255f;
            destination[plane + p] = rgb[3 * p + 1] / 255f;
            destination[2 * plane + p] = rgb[3 * p + 2] / 255f;
        }
    }

    /// <summary>Nearest-neighbour resize into CHW floats, for a camera whose size differs from the training data.</summary>
    private static void ResizeNearest(CameraFrame frame, Span<float> destination, int height, int width)
    {
        if (!frame.IsWellFormed) throw new RobotHostException($"camera frame {frame.Width}×{frame.Height} has {frame.Rgb.Length} bytes, expected {frame.Width * frame.Height * 3}");
        var plane = height * width;
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Min(frame.Height - 1, (int)((y + 0.5) * frame.Height / height));
            for (var x = 0; x < width; x++)
            {
                var sx = Math.Min(frame.Width - 1, (int)((x + 0.5) * frame.Width / width));
                var s = 3 * (sy * frame.Width + sx);
                var p = y * width + x;
                destination[p] = frame.Rgb[s] / 255f;
                destination[plane + p] = frame.Rgb[s + 1] / 255f;
                destination[2 * plane + p] = frame.Rgb[s + 2] / 255f;
            }
        }
    }

    /// <summary>ImageNet channel means (torchvision), used by ResNet backbones.</summary>
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations.</summary>
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>Normalises [N, 3, H, W] images in [0, 1] with ImageNet statistics.</summary>
    public static Tensor NormalizeImageNet(Tensor images)
    {
        using var mean = tensor(ImageNetMean, [1, 3, 1, 1], device: images.device);
        using var std = tensor(ImageNetStd, [1, 3, 1, 1], device: images.device);
        return (images - mean) / std;
    }
}
