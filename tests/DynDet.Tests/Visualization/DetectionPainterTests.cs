using DynDet.Data.Images;
using DynDet.Models.RoIHeads;
using DynDet.Visualization;

namespace DynDet.Tests.Visualization;

/// <summary><see cref="DetectionPainter"/>: boxes in the class colour, white label text from the font, threshold.</summary>
public sealed class DetectionPainterTests
{
    private static readonly string[] Names = ["cat", "dog"];
    private static readonly (byte R, byte G, byte B) Background = (90, 90, 90);

    [Fact]
    public void Box_edges_have_one_class_colour_and_the_label_is_the_fonts_glyphs_in_white()
    {
        var image = Filled(200, 200);
        var detections = new ImageDetections(1, [50, 60, 150, 160], [0.9f], [1]);
        var drawn = DetectionPainter.Draw(image, detections, Names);

        var colour = Pixel(drawn, 50, 110);
        Assert.NotEqual(Background, colour);
        Assert.NotEqual(((byte)255, (byte)255, (byte)255), colour);
        foreach (var (x, y) in new[] { (51, 110), (149, 110), (148, 110), (100, 60), (100, 61), (100, 159), (100, 158) })
        {
            Assert.Equal(colour, Pixel(drawn, x, y));
        }

        Assert.Equal(Background, Pixel(drawn, 100, 110)); // inside the box
        Assert.Equal(Background, Pixel(drawn, 52, 110)); // 2 px edges on a small image
        Assert.Equal(Background, Pixel(drawn, 151, 110));

        // The label "dog 0.90" sits on a class-coloured band just above the box: white exactly where the glyphs are set.
        var font = BitmapFont.Default;
        const string text = "dog 0.90";
        int top = 60 - (font.Height + 2);
        int whites = 0;
        for (int y = top; y < 60; y++)
        {
            for (int x = 50; x < 50 + (text.Length * font.Width) + 4; x++)
            {
                int gx = x - 52, gy = y - top - 1;
                bool glyph = gx >= 0 && gy >= 0 && gy < font.Height && gx < text.Length * font.Width &&
                    font.IsSet(text[gx / font.Width], gx % font.Width, gy);
                Assert.Equal(glyph ? ((byte)255, (byte)255, (byte)255) : colour, Pixel(drawn, x, y));
                whites += glyph ? 1 : 0;
            }
        }

        Assert.True(whites > 50);
        Assert.Equal(Background, Pixel(drawn, 100, top - 1));
        Assert.True(image.Pixels.ToArray().All(v => v == 90), "the input image was modified");
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
        // Band from y = 2 (below the 2 px top edge) over the font height: some white text pixels there.
        int whites = 0;
        for (int y = 2; y < 2 + BitmapFont.Default.Height + 2; y++)
        {
            for (int x = 10; x < 60; x++)
            {
                var p = Pixel(drawn, x, y);
                Assert.True(p == colour || p == ((byte)255, (byte)255, (byte)255), $"pixel ({x}, {y}) is {p}");
                whites += p == ((byte)255, (byte)255, (byte)255) ? 1 : 0;
            }
        }

        Assert.True(whites > 20);
    }

    [Fact]
    public void Boxes_beyond_the_image_are_clipped()
    {
        var image = Filled(50, 40);
        var drawn = DetectionPainter.Draw(image, new ImageDetections(1, [-20, -30, 80, 90], [0.9f], [0]), Names);
        Assert.Equal((50, 40), (drawn.Width, drawn.Height));
    }

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
