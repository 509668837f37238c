using System.Globalization;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Models.RoIHeads;
using SkiaSharp;

namespace DynDet.Visualization;

/// <summary>
/// Draws detections on an image with SkiaSharp: a box per detection in its class's colour (2 px, 3 px on images
/// larger than 800 px; pixel-exact, not anti-aliased) and a label <c>name 0.93</c> in anti-aliased white
/// <see cref="LabelFont"/> text on a band of the class colour above the box (inside it, at the top edge, when the box
/// touches the top of the image), legible at any image size (13 px text, 26 px on images larger than 1200 px).
/// </summary>
public static class DetectionPainter
{
    /// <summary>Text size in pixels on images up to 1200 px; doubled above.</summary>
    public const float TextSize = 13f;

    private static readonly SKColor[] Palette =
    [
        new(230, 25, 75), new(60, 180, 75), new(0, 130, 200), new(245, 130, 48), new(145, 30, 180), new(70, 240, 240),
        new(240, 50, 230), new(210, 245, 60), new(250, 190, 212), new(0, 128, 128), new(170, 110, 40), new(128, 0, 0),
    ];

    /// <summary>The colour of class <paramref name="label"/> (a fixed palette of 12, repeating).</summary>
    public static (byte R, byte G, byte B) ClassColour(int label)
    {
        var c = Palette[((label % Palette.Length) + Palette.Length) % Palette.Length];
        return (c.Red, c.Green, c.Blue);
    }

    /// <summary>
    /// Draws the detections scoring at least <paramref name="scoreThreshold"/> (default 0.3, in [0, 1]) on a copy of
    /// <paramref name="image"/>, lowest score first so the most confident boxes and labels end on top.
    /// </summary>
    public static RgbImage Draw(RgbImage image, ImageDetections detections, IReadOnlyList<string> classNames,
        double scoreThreshold = 0.3)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(classNames);
        int thickness = Math.Max(image.Width, image.Height) > 800 ? 3 : 2;
        float textSize = Math.Max(image.Width, image.Height) > 1200 ? 2 * TextSize : TextSize;
        using var bitmap = ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        using (var font = LabelFont.Default.At(textSize))
        using (var fill = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill })
        using (var ink = new SKPaint { IsAntialias = true, Color = SKColors.White })
        {
            font.GetFontMetrics(out var metrics);
            int bandHeight = BandHeight(metrics);
            for (int k = detections.Count - 1; k >= 0; k--)
            {
                if (detections.Scores[k] < scoreThreshold)
                {
                    continue;
                }

                int label = (int)detections.Labels[k];
                var (r, g, b) = ClassColour(label);
                fill.Color = new SKColor(r, g, b);
                int x1 = (int)Math.Round(detections.Boxes[4 * k]), y1 = (int)Math.Round(detections.Boxes[(4 * k) + 1]);
                int x2 = (int)Math.Round(detections.Boxes[(4 * k) + 2]), y2 = (int)Math.Round(detections.Boxes[(4 * k) + 3]);
                canvas.DrawRect(SKRect.Create(x1, y1, x2 - x1, thickness), fill);
                canvas.DrawRect(SKRect.Create(x1, y2 - thickness, x2 - x1, thickness), fill);
                canvas.DrawRect(SKRect.Create(x1, y1, thickness, y2 - y1), fill);
                canvas.DrawRect(SKRect.Create(x2 - thickness, y1, thickness, y2 - y1), fill);

                string name = label >= 0 && label < classNames.Count ? classNames[label] : label.ToString(CultureInfo.InvariantCulture);
                string text = string.Create(CultureInfo.InvariantCulture, $"{name} {detections.Scores[k]:F2}");
                int bandWidth = (int)Math.Ceiling(font.MeasureText(text)) + 4;
                int bandY = y1 - bandHeight >= 0 ? y1 - bandHeight : y1 + thickness;
                int bandX = Math.Clamp(x1, 0, Math.Max(0, image.Width - bandWidth));
                canvas.DrawRect(SKRect.Create(bandX, bandY, bandWidth, bandHeight), fill);
                canvas.DrawText(text, bandX + 2, bandY + 1 - metrics.Ascent, SKTextAlign.Left, font, ink);
            }
        }

        return FromBitmap(bitmap);
    }

    /// <summary>
    /// Draws ground-truth boxes on a copy of <paramref name="image"/>: a 1-pixel white outline inside a 1-pixel black one
    /// (visible on light and dark backgrounds), no label; crowd and difficult boxes dashed.
    /// </summary>
    public static RgbImage DrawGroundTruth(RgbImage image, IReadOnlyList<BoxAnnotation> objects)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(objects);
        using var bitmap = ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        using (var outer = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = 1, Color = SKColors.Black })
        using (var inner = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = 1, Color = SKColors.White })
        using (var dashes = SKPathEffect.CreateDash([4f, 3f], 0))
        {
            foreach (var box in objects)
            {
                inner.PathEffect = box.IsIgnored ? dashes : null;
                outer.PathEffect = box.IsIgnored ? dashes : null;
                canvas.DrawRect(SKRect.Create(box.X1 - 0.5f, box.Y1 - 0.5f, box.Width + 1, box.Height + 1), outer);
                canvas.DrawRect(SKRect.Create(box.X1 + 0.5f, box.Y1 + 0.5f, Math.Max(box.Width - 1, 0), Math.Max(box.Height - 1, 0)), inner);
            }
        }

        return FromBitmap(bitmap);
    }

    /// <summary>The height in pixels of the label band for text of <paramref name="textSize"/> pixels.</summary>
    internal static int LabelBandHeight(float textSize)
    {
        using var font = LabelFont.Default.At(textSize);
        font.GetFontMetrics(out var metrics);
        return BandHeight(metrics);
    }

    // The text's full extent (ascent to descent) plus a pixel above and below.
    private static int BandHeight(SKFontMetrics metrics) => (int)Math.Ceiling(metrics.Descent - metrics.Ascent) + 2;

    private static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var target = Pixels(bitmap);
        var rgb = image.Pixels;
        for (int p = 0, q = 0; p < rgb.Length; p += 3, q += 4)
        {
            target[q] = rgb[p];
            target[q + 1] = rgb[p + 1];
            target[q + 2] = rgb[p + 2];
            target[q + 3] = 255;
        }

        return bitmap;
    }

    private static RgbImage FromBitmap(SKBitmap bitmap)
    {
        var image = new RgbImage(bitmap.Width, bitmap.Height);
        var rgba = Pixels(bitmap);
        var rgb = image.Pixels;
        for (int p = 0, q = 0; p < rgb.Length; p += 3, q += 4)
        {
            rgb[p] = rgba[q];
            rgb[p + 1] = rgba[q + 1];
            rgb[p + 2] = rgba[q + 2];
        }

        return image;
    }

    // The bitmap owns its pixel memory (tightly packed RGBA rows) for as long as it lives.
    private static unsafe Span<byte> Pixels(SKBitmap bitmap) => new((void*)bitmap.GetPixels(), bitmap.ByteCount);
}
