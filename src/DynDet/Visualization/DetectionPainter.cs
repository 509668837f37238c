using System.Globalization;
using DynDet.Data.Images;
using DynDet.Models.RoIHeads;

namespace DynDet.Visualization;

/// <summary>
/// Draws detections on an image: a box per detection in its class's colour (2 px, 3 px on large images) and a
/// label <c>name 0.93</c> in white on the class colour above the box (inside it at the top edge), legible at
/// any image size.
/// </summary>
public static class DetectionPainter
{
    private static readonly (byte R, byte G, byte B)[] Palette =
    [
        (230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
        (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40), (128, 0, 0),
    ];

    /// <summary>Draws the detections scoring at least <paramref name="scoreThreshold"/> on a copy of <paramref name="image"/>.</summary>
    public static RgbImage Draw(RgbImage image, ImageDetections detections, IReadOnlyList<string> classNames,
        double scoreThreshold = 0.3, BitmapFont? font = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(classNames);
        font ??= BitmapFont.Default;
        var canvas = image.Clone();
        int thickness = Math.Max(image.Width, image.Height) > 800 ? 3 : 2;
        int scale = Math.Max(image.Width, image.Height) > 1200 ? 2 : 1;
        // Lowest score first, so the most confident boxes and labels end on top.
        for (int k = detections.Count - 1; k >= 0; k--)
        {
            if (detections.Scores[k] < scoreThreshold)
            {
                continue;
            }

            int label = (int)detections.Labels[k];
            var color = Palette[label % Palette.Length];
            int x1 = (int)Math.Round(detections.Boxes[4 * k]), y1 = (int)Math.Round(detections.Boxes[(4 * k) + 1]);
            int x2 = (int)Math.Round(detections.Boxes[(4 * k) + 2]), y2 = (int)Math.Round(detections.Boxes[(4 * k) + 3]);
            Rectangle(canvas, x1, y1, x2, y2, thickness, color);
            string name = label < classNames.Count ? classNames[label] : label.ToString(CultureInfo.InvariantCulture);
            string text = string.Create(CultureInfo.InvariantCulture, $"{name} {detections.Scores[k]:F2}");
            int textHeight = (font.Height * scale) + 2;
            int textY = y1 - textHeight >= 0 ? y1 - textHeight : y1 + thickness;
            Label(canvas, font, text, x1, textY, scale, color);
        }

        return canvas;
    }

    private static void Rectangle(RgbImage canvas, int x1, int y1, int x2, int y2, int thickness, (byte, byte, byte) color)
    {
        for (int t = 0; t < thickness; t++)
        {
            Fill(canvas, x1, y1 + t, x2, y1 + t + 1, color);
            Fill(canvas, x1, y2 - t - 1, x2, y2 - t, color);
            Fill(canvas, x1 + t, y1, x1 + t + 1, y2, color);
            Fill(canvas, x2 - t - 1, y1, x2 - t, y2, color);
        }
    }

    private static void Label(RgbImage canvas, BitmapFont font, string text, int x, int y, int scale, (byte R, byte G, byte B) color)
    {
        int width = (text.Length * font.Width * scale) + 4;
        int height = (font.Height * scale) + 2;
        x = Math.Clamp(x, 0, Math.Max(0, canvas.Width - width));
        Fill(canvas, x, y, x + width, y + height, color);
        for (int i = 0; i < text.Length; i++)
        {
            for (int gy = 0; gy < font.Height; gy++)
            {
                for (int gx = 0; gx < font.Width; gx++)
                {
                    if (font.IsSet(text[i], gx, gy))
                    {
                        int px = x + 2 + (((i * font.Width) + gx) * scale);
                        int py = y + 1 + (gy * scale);
                        Fill(canvas, px, py, px + scale, py + scale, (255, 255, 255));
                    }
                }
            }
        }
    }

    private static void Fill(RgbImage canvas, int x1, int y1, int x2, int y2, (byte R, byte G, byte B) color)
    {
        x1 = Math.Max(0, x1);
        y1 = Math.Max(0, y1);
        x2 = Math.Min(canvas.Width, x2);
        y2 = Math.Min(canvas.Height, y2);
        for (int y = y1; y < y2; y++)
        {
            var row = canvas.Row(y);
            for (int x = x1; x < x2; x++)
            {
                row[3 * x] = color.R;
                row[(3 * x) + 1] = color.G;
                row[(3 * x) + 2] = color.B;
            }
        }
    }
}
