using RobotHost.Sdk;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace RobotHost.Tui;

/// <summary>
/// Draws the newest camera frame with upper-half blocks: each cell shows two image rows, the top pixel as the
/// foreground colour of '▀' and the bottom pixel as its background, nearest-neighbour scaled to the view.
/// </summary>
public sealed class CameraPreviewView : View
{
    /// <summary>Frame to draw; null shows a placeholder.</summary>
    public CameraFrame? Image { get; set; }

    /// <summary>Placeholder text when there is no frame.</summary>
    public string Placeholder { get; set; } = "no frame yet";

    /// <inheritdoc />
    protected override bool OnDrawingContent(DrawContext? context)
    {
        var frame = Image;
        var size = Viewport.Size;
        if (frame is null || !frame.IsWellFormed || size.Width <= 0 || size.Height <= 0)
        {
            AddStr(0, 0, Placeholder.Length > size.Width ? Placeholder[..Math.Max(0, size.Width)] : Placeholder);
            return true;
        }
        // Keep the aspect ratio: a cell is about twice as tall as wide, and holds two pixel rows.
        var scale = Math.Min((double)size.Width / frame.Width, 2.0 * size.Height / frame.Height);
        var cols = Math.Max(1, (int)(frame.Width * scale));
        var rows = Math.Max(1, (int)(frame.Height * scale / 2));
        for (var y = 0; y < rows && y < size.Height; y++)
        {
            for (var x = 0; x < cols && x < size.Width; x++)
            {
                var px = Math.Min(frame.Width - 1, (int)(x / scale));
                var top = Math.Min(frame.Height - 1, (int)(2 * y / scale));
                var bottom = Math.Min(frame.Height - 1, (int)((2 * y + 1) / scale));
                SetAttribute(new Attribute(Pixel(frame, px, top), Pixel(frame, px, bottom)));
                AddRune(x, y, new System.Text.Rune('▀'));
            }
        }
        return true;
    }

    private static Color Pixel(CameraFrame frame, int x, int y)
    {
        var i = (y * frame.Width + x) * 3;
        return new Color(frame.Rgb[i], frame.Rgb[i + 1], frame.Rgb[i + 2]);
    }
}
