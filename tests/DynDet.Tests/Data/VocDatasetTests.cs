using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Voc;
using DynDet.TestSupport;

namespace DynDet.Tests.Data;

public sealed class VocDatasetTests : TorchTest
{
    [Fact]
    public void RaccoonLoadsWithItsSplits()
    {
        var train = new VocDataset(TestPaths.Raccoon, "train");
        var val = new VocDataset(TestPaths.Raccoon, "val");
        Assert.Equal(160, train.Count);
        Assert.Equal(40, val.Count);
        Assert.Equal(["raccoon"], train.CategoryNames);
        Assert.Equal([1L], train.CategoryIds);
        var trainNames = Enumerable.Range(0, train.Count).Select(i => train.GetRecord(i).Name).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, val.Count).Select(i => val.GetRecord(i).Name), trainNames.Contains);
        Assert.Equal(Enumerable.Range(1, 160).Select(i => (long)i), Enumerable.Range(0, 160).Select(i => train.GetRecord(i).ImageId));
    }

    [Fact]
    public void BoxesFollowMMDetection()
    {
        var train = new VocDataset(TestPaths.Raccoon, "train");
        // raccoon-1.xml: 650x417, xmin 81 ymin 88 xmax 522 ymax 408 -> all four minus 1.
        DetectionRecord first = train.GetRecord(0);
        Assert.Equal("raccoon-1", first.Name);
        Assert.Equal((650, 417), (first.Width, first.Height));
        Assert.Equal(new BoxAnnotation(80, 87, 521, 407, 0), Assert.Single(first.Objects));
        Assert.EndsWith(Path.Combine("JPEGImages", "raccoon-1.jpg"), first.FilePath, StringComparison.Ordinal);

        // raccoon-10.xml: 450x495, (130, 2, 446, 488).
        DetectionRecord second = train.GetRecord(1);
        Assert.Equal((450, 495), (second.Width, second.Height));
        Assert.Equal(new BoxAnnotation(129, 1, 445, 487, 0), Assert.Single(second.Objects));

        // raccoon-119.xml (line 20 of train.txt): three objects in file order.
        DetectionRecord three = train.GetRecord(19);
        Assert.Equal("raccoon-119", three.Name);
        Assert.Equal(
            [new BoxAnnotation(15, 61, 361, 352, 0), new BoxAnnotation(210, 358, 276, 401, 0), new BoxAnnotation(197, 391, 279, 472, 0)],
            three.Objects);

        var edges = new VocDataset(TestPaths.Raccoon, "train", new VocOptions { BoxConvention = VocBoxConvention.PixelEdges });
        Assert.Equal(new BoxAnnotation(80, 87, 522, 408, 0), Assert.Single(edges.GetRecord(0).Objects));
    }

    [Fact]
    public void GreyscaleImagesDecodeToThreeChannels()
    {
        var train = new VocDataset(TestPaths.Raccoon, "train");
        int index = Enumerable.Range(0, train.Count).First(i => train.GetRecord(i).Name == "raccoon-150");
        RgbImage image = train.LoadImage(index);
        Assert.Equal((275, 183), (image.Width, image.Height));
        Assert.Equal(275 * 183 * 3, image.Pixels.Length);
        ReadOnlySpan<byte> p = image.Pixels;
        for (int k = 0; k < p.Length; k += 3)
        {
            Assert.True(p[k] == p[k + 1] && p[k] == p[k + 2]);
        }
    }

    [Fact]
    public void EveryRaccoonImageLoadsAtItsAnnotatedSize()
    {
        var val = new VocDataset(TestPaths.Raccoon, "val");
        for (int i = 0; i < val.Count; i++)
        {
            RgbImage image = val.LoadImage(i);
            Assert.Equal((val.GetRecord(i).Width, val.GetRecord(i).Height), (image.Width, image.Height));
        }
    }

    [Fact]
    public void DifficultObjectsAreIgnoreRegionsAndUnknownClassesAreSkipped()
    {
        using var folder = MiniVoc(out string root);
        WriteXml(root, "b", """
            <annotation><size><width>100</width><height>80</height><depth>3</depth></size>
            <object><name>cat</name><difficult>1</difficult><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>50.7</xmax><ymax>40</ymax></bndbox></object>
            <object><name>dog</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>
            <object><name>fox</name><bndbox><xmin>5</xmin><ymin>5</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>
            </annotation>
            """);
        var data = new VocDataset(root, "train", new VocOptions { ClassNames = ["dog", "cat"] });
        DetectionRecord b = data.GetRecord(1);
        Assert.Equal(
            [new BoxAnnotation(0, 1, 49, 39, 1, IsDifficult: true), new BoxAnnotation(9, 19, 29, 39, 0)],
            b.Objects);
        Assert.Equal(1, b.TargetCount);

        // Without a class list: the names found, sorted (not all VOC classes -> no VOC order).
        var discovered = new VocDataset(root, "train");
        Assert.Equal(["cat", "dog", "fox"], discovered.CategoryNames);
    }

    [Fact]
    public void VocClassNamesUseTheStandardOrder()
    {
        using var folder = MiniVoc(out string root);
        var data = new VocDataset(root, "train");
        Assert.Equal(VocDataset.VocClasses, data.CategoryNames);
        Assert.Equal(11, data.GetRecord(0).Objects[0].Label); // "dog"
    }

    [Fact]
    public void MalformedAnnotationNamesFileAndLine()
    {
        using var folder = MiniVoc(out string root);
        string bad = WriteXml(root, "b", "<annotation>\n<size><width>10</width>\n<object><name>dog</name>\n</annotation>");
        var e = Assert.Throws<InputException>(() => new VocDataset(root, "train"));
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        Assert.Matches(@"line [1-9]", e.Message);

        WriteXml(root, "b", "<annotation>\n<size><width>10</width><height>10</height></size>\n<object><name>dog</name>\n<bndbox><xmin>1</xmin><ymin>x2</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>");
        e = Assert.Throws<InputException>(() => new VocDataset(root, "train", new VocOptions { ClassNames = ["dog"] }));
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("'x2'", e.Message, StringComparison.Ordinal);

        WriteXml(root, "b", "<annotation><object><name>dog</name></object></annotation>");
        e = Assert.Throws<InputException>(() => new VocDataset(root, "train", new VocOptions { ClassNames = ["dog"] }));
        Assert.Contains("<bndbox>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        using var folder = MiniVoc(out string root);
        File.Delete(Path.Combine(root, "JPEGImages", "b.jpg"));
        var e = Assert.Throws<InputException>(() => new VocDataset(root, "train"));
        Assert.Contains(Path.Combine(root, "JPEGImages", "b.jpg"), e.Message, StringComparison.Ordinal);

        e = Assert.Throws<InputException>(() => new VocDataset(root, "test"));
        Assert.Contains("ImageSets/Main/test.txt", e.Message, StringComparison.Ordinal);
        Assert.Contains("splits here: train", e.Message, StringComparison.Ordinal);

        File.Delete(Path.Combine(root, "Annotations", "a.xml"));
        e = Assert.Throws<InputException>(() => new VocDataset(root, "train"));
        Assert.Contains(Path.Combine(root, "Annotations", "a.xml"), e.Message, StringComparison.Ordinal);

        e = Assert.Throws<InputException>(() => new VocDataset(Path.Combine(root, "nope"), "train"));
        Assert.Contains("nope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedImageFailsWhenLoadedNamingTheFile()
    {
        using var folder = MiniVoc(out string root);
        string image = Path.Combine(root, "JPEGImages", "a.jpg");
        byte[] bytes = File.ReadAllBytes(image);
        File.WriteAllBytes(image, bytes[..(bytes.Length / 3)]);
        var data = new VocDataset(root, "train");
        var e = Assert.Throws<InputException>(() => data.LoadImage(0));
        Assert.Contains(image, e.Message, StringComparison.Ordinal);
    }

    /// <summary>A VOC root with two images (a, b: raccoon-1 and raccoon-150) and one object each.</summary>
    internal static TempFolder MiniVoc(out string root)
    {
        var folder = new TempFolder();
        root = Path.Combine(folder.Path, "voc");
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        File.Copy(Path.Combine(TestPaths.Raccoon, "JPEGImages", "raccoon-1.jpg"), Path.Combine(root, "JPEGImages", "a.jpg"));
        File.Copy(Path.Combine(TestPaths.Raccoon, "JPEGImages", "raccoon-150.jpg"), Path.Combine(root, "JPEGImages", "b.jpg"));
        File.WriteAllText(Path.Combine(root, "ImageSets", "Main", "train.txt"), "a\nb\n");
        WriteXml(root, "a", """
            <annotation><size><width>650</width><height>417</height><depth>3</depth></size>
            <object><name>dog</name><difficult>0</difficult><bndbox><xmin>81</xmin><ymin>88</ymin><xmax>522</xmax><ymax>408</ymax></bndbox></object>
            </annotation>
            """);
        WriteXml(root, "b", """
            <annotation><size><width>275</width><height>183</height><depth>1</depth></size>
            <object><name>cat</name><bndbox><xmin>80</xmin><ymin>62</ymin><xmax>187</xmax><ymax>169</ymax></bndbox></object>
            </annotation>
            """);
        return folder;
    }

    internal static string WriteXml(string root, string id, string xml)
    {
        string path = Path.Combine(root, "Annotations", id + ".xml");
        File.WriteAllText(path, xml);
        return path;
    }
}
