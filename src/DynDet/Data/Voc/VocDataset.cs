using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using DynDet.Data.Images;

namespace DynDet.Data.Voc;

/// <summary>
/// A Pascal VOC split: <c>ImageSets/Main/&lt;split&gt;.txt</c> lists image ids, <c>Annotations/&lt;id&gt;.xml</c>
/// holds each image's size and objects, <c>JPEGImages/&lt;id&gt;.jpg</c> its pixels (the XML's
/// <c>&lt;filename&gt;</c> when that .jpg does not exist). Follows MMDetection's <c>XMLDataset</c>: boxes as
/// <see cref="VocOptions.BoxConvention"/> says, <c>difficult</c> objects kept as ignore regions, objects of
/// unknown classes skipped, image ids 1..N in split order. Every annotation is read when the dataset is
/// opened, so errors surface at once with the file and line at fault.
/// </summary>
public sealed class VocDataset : IDetectionDataset
{
    /// <summary>The 20 Pascal VOC classes in the standard order.</summary>
    public static readonly IReadOnlyList<string> VocClasses =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog",
        "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    private readonly DetectionRecord[] _records;

    /// <summary>Opens split <paramref name="split"/> of the VOC root <paramref name="root"/>.</summary>
    /// <exception cref="InputException">A missing folder, split file, annotation or image, or a malformed annotation.</exception>
    public VocDataset(string root, string split, VocOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(split);
        Options = options ?? new VocOptions();
        Root = Path.GetFullPath(root);
        Split = split;
        if (!Directory.Exists(Root))
        {
            throw new InputException($"VOC root {root}: folder not found");
        }

        string annotations = Path.Combine(Root, Options.AnnotationFolder);
        if (!Directory.Exists(annotations))
        {
            throw new InputException($"VOC root {root}: no {Options.AnnotationFolder}/ folder");
        }

        string[] ids = ReadSplit(split);
        CategoryNames = Options.ClassNames is { } given ? [.. given] : DiscoverClasses(annotations);
        if (CategoryNames.Count == 0)
        {
            throw new InputException($"VOC root {root}: no object names found in {Options.AnnotationFolder}/");
        }

        var labelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < CategoryNames.Count; k++)
        {
            if (!labelOf.TryAdd(CategoryNames[k], k))
            {
                throw new InputException($"VOC class list names '{CategoryNames[k]}' twice");
            }
        }

        var categoryIds = new long[CategoryNames.Count];
        for (int k = 0; k < categoryIds.Length; k++)
        {
            categoryIds[k] = k + 1;
        }

        CategoryIds = categoryIds;
        _records = new DetectionRecord[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            _records[i] = ReadAnnotation(ids[i], i, labelOf);
        }
    }

    /// <summary>The root folder (full path).</summary>
    public string Root { get; }

    /// <summary>The split name (e.g. <c>train</c>, <c>val</c>, <c>trainval</c>, <c>test</c>).</summary>
    public string Split { get; }

    /// <summary>The options in use.</summary>
    public VocOptions Options { get; }

    /// <inheritdoc/>
    public string Description => $"VOC {Root} ({Split})";

    /// <inheritdoc/>
    public int Count => _records.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> CategoryNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<long> CategoryIds { get; }

    /// <inheritdoc/>
    public DetectionRecord GetRecord(int index) => _records[index];

    /// <inheritdoc/>
    public RgbImage LoadImage(int index) => ImageCodec.LoadAnnotated(_records[index], "its annotation", Options.Images);

    private string[] ReadSplit(string split)
    {
        string main = Path.Combine(Root, "ImageSets", "Main");
        string file = Path.Combine(main, split + ".txt");
        if (!File.Exists(file))
        {
            string available = Directory.Exists(main)
                ? string.Join(", ", Directory.GetFiles(main, "*.txt").Select(Path.GetFileNameWithoutExtension)
                    .Where(n => n is not null && !n.Contains('_', StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                : "none";
            throw new InputException(
                $"VOC root {Root}: no split file ImageSets/Main/{split}.txt (splits here: {(available.Length == 0 ? "none" : available)})");
        }

        var ids = new List<string>();
        foreach (string line in File.ReadLines(file))
        {
            // Split files hold one id per line; class files ("aeroplane_train.txt") add a flag column.
            string trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            int space = trimmed.IndexOfAny([' ', '\t']);
            ids.Add(space < 0 ? trimmed : trimmed[..space]);
        }

        return [.. ids];
    }

    private static List<string> DiscoverClasses(string annotations)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, IgnoreComments = true };
        foreach (string file in Directory.EnumerateFiles(annotations, "*.xml"))
        {
            try
            {
                using var reader = XmlReader.Create(file, settings);
                int depth = -1;
                while (reader.Read())
                {
                    if (reader.NodeType != XmlNodeType.Element)
                    {
                        continue;
                    }

                    if (reader.Name == "object")
                    {
                        depth = reader.Depth;
                    }
                    else if (reader.Name == "name" && reader.Depth == depth + 1)
                    {
                        names.Add(reader.ReadElementContentAsString().Trim());
                    }
                }
            }
            catch (XmlException e)
            {
                throw new InputException($"annotation {file} line {e.LineNumber}: malformed XML: {OneLine(e.Message)}", e);
            }
        }

        bool allVoc = names.Count > 0 && names.All(n => VocClasses.Contains(n));
        return allVoc ? [.. VocClasses] : [.. names];
    }

    private DetectionRecord ReadAnnotation(string id, int index, Dictionary<string, int> labelOf)
    {
        string file = Path.Combine(Root, Options.AnnotationFolder, id + ".xml");
        if (!File.Exists(file))
        {
            throw new InputException($"annotation {file}: file not found (listed in ImageSets/Main/{Split}.txt)");
        }

        XElement root;
        try
        {
            root = XDocument.Load(file, LoadOptions.SetLineInfo).Root
                ?? throw new InputException($"annotation {file}: empty XML document");
        }
        catch (XmlException e)
        {
            throw new InputException($"annotation {file} line {e.LineNumber}: malformed XML: {OneLine(e.Message)}", e);
        }

        string imagePath = Path.Combine(Root, Options.ImageFolder, id + ".jpg");
        if (!File.Exists(imagePath) && root.Element("filename")?.Value.Trim() is { Length: > 0 } named)
        {
            string alternative = Path.Combine(Root, Options.ImageFolder, named);
            if (File.Exists(alternative))
            {
                imagePath = alternative;
            }
        }

        if (!File.Exists(imagePath))
        {
            throw new InputException($"image {imagePath}: file not found (image of annotation {file})");
        }

        int width = 0, height = 0;
        if (root.Element("size") is { } size)
        {
            width = (int)ReadNumber(size, "width", file);
            height = (int)ReadNumber(size, "height", file);
        }

        if (width <= 0 || height <= 0)
        {
            // MMDetection opens the image when the XML gives no size; the header is enough here (its size after
            // orientation: what the image decodes to).
            ImageInfo info = ImageCodec.ReadInfo(imagePath, Options.Images);
            width = info.Width;
            height = info.Height;
        }

        var objects = new List<BoxAnnotation>();
        foreach (XElement obj in root.Elements("object"))
        {
            string name = obj.Element("name")?.Value.Trim()
                ?? throw Malformed(file, obj, "<object> has no <name>");
            if (!labelOf.TryGetValue(name, out int label))
            {
                continue;
            }

            bool difficult = false;
            if (obj.Element("difficult") is { } flag)
            {
                difficult = ParseNumber(flag, file) != 0;
            }

            XElement box = obj.Element("bndbox") ?? throw Malformed(file, obj, $"<object> '{name}' has no <bndbox>");
            double xmin = ReadNumber(box, "xmin", file), ymin = ReadNumber(box, "ymin", file);
            double xmax = ReadNumber(box, "xmax", file), ymax = ReadNumber(box, "ymax", file);
            if (xmax < xmin || ymax < ymin)
            {
                throw Malformed(file, box, $"<bndbox> of '{name}' has xmax < xmin or ymax < ymin");
            }

            objects.Add(Options.BoxConvention == VocBoxConvention.MMDetection
                ? new BoxAnnotation(
                    (float)Math.Truncate(xmin) - 1, (float)Math.Truncate(ymin) - 1,
                    (float)Math.Truncate(xmax) - 1, (float)Math.Truncate(ymax) - 1, label, IsDifficult: difficult)
                : new BoxAnnotation((float)(xmin - 1), (float)(ymin - 1), (float)xmax, (float)ymax, label,
                    IsDifficult: difficult));
        }

        return new DetectionRecord(index + 1, id, imagePath, width, height, objects.ToArray());
    }

    private static double ReadNumber(XElement parent, string child, string file)
    {
        XElement element = parent.Element(child) ?? throw Malformed(file, parent, $"<{parent.Name}> has no <{child}>");
        return ParseNumber(element, file);
    }

    private static double ParseNumber(XElement element, string file)
    {
        string text = element.Value.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ||
            !double.IsFinite(value))
        {
            throw Malformed(file, element, $"<{element.Name}> is '{text}', not a number");
        }

        return value;
    }

    private static InputException Malformed(string file, XElement element, string what)
    {
        int line = ((IXmlLineInfo)element).HasLineInfo() ? ((IXmlLineInfo)element).LineNumber : 0;
        return new InputException($"annotation {file} line {line}: {what}");
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
