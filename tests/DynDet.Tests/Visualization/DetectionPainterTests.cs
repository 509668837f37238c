using DynDet.Data.Images;
using DynDet.Models.RoIHeads;
using DynDet.Visualization;

namespace DynDet.Tests.Visualization;

/// <summary><see cref="DetectionPainter"/>: boxes in the class colour, white anti-aliased label text from the shipped font, threshold.</summary>
public sealed class DetectionPainterTests
{
    private static readonly string[] Names = ["cat", "dog"];
    private static readonly (byte R, byte G, byte B) Background = (90, 90, 90);

    [Fact]
    public void The_label_font_is_DejaVu_Sans_Bold_from_the_assembly()
    {
        Assert.Equal("DejaVu Sans", LabelFont.Default.FamilyName);
        Assert.True(DetectionPainter.LabelBandHeight(DetectionPainter.TextSize) is >= 14 and <= 20);
    }

    [Fact]
    public void Box_edges_have_one_class_colour_and_the_label_is_white_text_on_a_band_of_that_colour()
    {
        var image = Filled(200, 200);
        var drawn = DetectionPainter.Draw(image, new ImageDetections(1, [50, 60, 150, 160], [0.9f], [1]), Names);

        var colour = Pixel(drawn, 50, 110);
        Assert.Equal(DetectionPainter.ClassColour(1), colour);
        foreach (var (x, y) in new[] { (51, 110), (149, 110), (148, 110), (100, 60), (100, 61), (100, 159), (100, 158) })
        {
            Assert.Equal(colour, Pixel(drawn, x, y));
        }

        Assert.Equal(Background, Pixel(drawn, 100, 110)); // inside the box
        Assert.Equal(Background, Pixel(drawn, 52, 110)); // 2 px edges on a small image
        Assert.Equal(Background, Pixel(drawn, 151, 110));

        // The band "dog 0.90" sits just above the box: every pixel is the class colour, white, or a blend of the two
        // (anti-aliased glyph edges), with a good number of white pixels, and nothing is drawn above it.
        int top = 60 - DetectionPainter.LabelBandHeight(DetectionPainter.TextSize);
        var (ink, width) = Band(drawn, top, 60, 50, colour);
        Assert.True(ink > 60, $"only {ink} text pixels in the label");
        Assert.True(width is > 40 and < 100, $"label band {width} px wide for 'dog 0.90'");
        for (int x = 40; x < 160; x++)
        {
            Assert.Equal(Background, Pixel(drawn, x, top - 1));
        }

        Assert.True(image.Pixels.ToArray().All(v => v == 90), "the input image was modified");
    }

    [Fact]
    public void Different_label_text_draws_different_glyphs()
    {
        var a = DetectionPainter.Draw(Filled(120, 120), new ImageDetections(1, [10, 40, 110, 100], [0.5f], [0]), Names);
        var b = DetectionPainter.Draw(Filled(120, 120), new ImageDetections(1, [10, 40, 110, 100], [0.5f], [0]), ["cow", "dog"]);
        int top = 40 - DetectionPainter.LabelBandHeight(DetectionPainter.TextSize);
        int differing = 0;
        for (int y = top; y < 40; y++)
        {
            for (int x = 10; x < 110; x++)
            {
                differing += Pixel(a, x, y) != Pixel(b, x, y) ? 1 : 0;
            }
        }

        Assert.True(differing > 20, $"'cat 0.50' and 'cow 0.50' differ in only {differing} pixels");
    }

    [Fact]
    public void Classes_have_different_colours_and_low_scores_are_not_drawn()
    {
        var image = Filled(200, 200);
        var detections = new ImageDetections(1, [30, 40, 90, 100, 110, 40, 170, 100, 20, 120, 180, 190], [0.8f, 0.7f, 0.1f], [0, 1, 0]);
        var drawn = DetectionPainter.Draw(image, detections, Names, scoreThreshold: 0.3);
        Assert.NotEqual(Pixel(drawn, 30, 70), Pixel(drawn, 110, 70));
        Assert.Equal(Background, Pixel(drawn, 20, 150)); // the 0.1 detection's left edge
        Assert.Equal(Background, Pixel(drawn, 100, 189));
    }

    [Fact]
    public void Label_of_a_box_at_the_top_edge_goes_inside_the_box()
    {
        var image = Filled(120, 120);
        var drawn = DetectionPainter.Draw(image, new ImageDetections(1, [10, 0, 110, 100], [0.5f], [0]), Names);
        var colour = Pixel(drawn, 10, 50);
        // The band starts below the 2 px top edge.
        var (ink, _) = Band(drawn, 2, 2 + DetectionPainter.LabelBandHeight(DetectionPainter.TextSize), 10, colour);
        Assert.True(ink > 40, $"only {ink} text pixels in the label");
    }

    [Fact]
    public void Large_images_get_thicker_boxes_and_bigger_text()
    {
        var drawn = DetectionPainter.Draw(Filled(1300, 400), new ImageDetections(1, [100, 100, 600, 300], [0.9f], [0]), Names);
        var colour = DetectionPainter.ClassColour(0);
        Assert.Equal(colour, Pixel(drawn, 102, 200));
        Assert.Equal(Background, Pixel(drawn, 103, 200));
        int top = 100 - DetectionPainter.LabelBandHeight(2 * DetectionPainter.TextSize);
        var (ink, width) = Band(drawn, top, 100, 100, colour);
        Assert.True(ink > 200 && width > 90, $"{ink} text pixels over {width} px");
    }

    [Fact]
    public void Boxes_beyond_the_image_are_clipped()
    {
        var image = Filled(50, 40);
        var drawn = DetectionPainter.Draw(image, new ImageDetections(1, [-20, -30, 80, 90], [0.9f], [0]), Names);
        Assert.Equal((50, 40), (drawn.Width, drawn.Height));
    }

    /// <summary>
    /// Checks rows [top, bottom) from <paramref name="left"/>: the band's pixels are blends of the colour and white;
    /// returns the count of (nearly) white pixels and the band's width.
    /// </summary>
    private static (int Ink, int Width) Band(RgbImage drawn, int top, int bottom, int left, (byte R, byte G, byte B) colour)
    {
        int width = 0;
        while (left + width < drawn.Width && Pixel(drawn, left + width, top) != Background)
        {
            width++;
        }

        int ink = 0;
        for (int y = top; y < bottom; y++)
        {
            for (int x = left; x < left + width; x++)
            {
                var p = Pixel(drawn, x, y);
                Assert.True(IsBlend(p, colour), $"pixel ({x}, {y}) = {p} is not between {colour} and white");
                ink += p.R > 240 && p.G > 240 && p.B > 240 ? 1 : 0;
            }
        }

        return (ink, width);
    }

    private static bool IsBlend((byte R, byte G, byte B) p, (byte R, byte G, byte B) c)
    {
        // p = c + t (255 - c) for one t in [0, 1], within rounding.
        double t = Math.Max(Math.Max(Fraction(p.R, c.R), Fraction(p.G, c.G)), Fraction(p.B, c.B));
        return Near(p.R, c.R, t) && Near(p.G, c.G, t) && Near(p.B, c.B, t);
    }

    private static double Fraction(byte p, byte c) => c == 255 ? 0 : (p - c) / (255.0 - c);

    private static bool Near(byte p, byte c, double t) => p >= c - 1 && Math.Abs(p - (c + (t * (255 - c)))) <= 3;

    private static RgbImage Filled(int width, int height)
    {
        var image = new RgbImage(width, height);
        image.Pixels.Fill(90);
        return image;
    }

    private static (byte R, byte G, byte B) Pixel(RgbImage image, int x, int y)
    {
        var row = image.Row(y);
        return (row[3 * x], row[(3 * x) + 1], row[(3 * x) + 2]);
    }
}
