using System.Globalization;
using System.Text;
using System.Text.Json;
using DynDet.Models.RoIHeads;

namespace DynDet.Cli.Commands;

/// <summary>
/// The <c>&lt;name&gt;.json</c> file of <c>dyndet predict</c>: one object
/// <code>
/// {"image": "photos/a.jpg", "width": 640, "height": 480,
///  "detections": [{"bbox": [x1, y1, x2, y2], "bbox_xywh": [x, y, w, h], "score": 0.97, "label": 2, "class": "dog"}, …]}
/// </code>
/// <c>image</c> is the path as given on the command line; boxes are in the image's own pixels (x2 = x + w); detections
/// are in decreasing score order; <c>label</c> is the 0-based class index of the checkpoint, <c>class</c> its name.
/// Numbers are the detector's 32-bit floats in their shortest round-trip form.
/// </summary>
public static class PredictionJson
{
    /// <summary>The file's UTF-8 bytes: the image's fields on their own lines, then one detection per line.</summary>
    public static byte[] Serialize(string image, int width, int height, ImageDetections detections, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(classNames);
        using var stream = new MemoryStream();
        Text(stream, "{\n  \"image\": ");
        Compact(stream, w => w.WriteStringValue(image));
        Text(stream, string.Create(CultureInfo.InvariantCulture, $",\n  \"width\": {width},\n  \"height\": {height},\n  \"detections\": ["));
        for (int k = 0; k < detections.Count; k++)
        {
            Text(stream, k == 0 ? "\n    " : ",\n    ");
            Compact(stream, w => Detection(w, detections, k, classNames));
        }

        Text(stream, detections.Count == 0 ? "]\n}\n" : "\n  ]\n}\n");
        return stream.ToArray();
    }

    private static void Detection(Utf8JsonWriter w, ImageDetections detections, int k, IReadOnlyList<string> classNames)
    {
        float x1 = detections.Boxes[4 * k], y1 = detections.Boxes[(4 * k) + 1];
        float x2 = detections.Boxes[(4 * k) + 2], y2 = detections.Boxes[(4 * k) + 3];
        long label = detections.Labels[k];
        w.WriteStartObject();
        w.WriteStartArray("bbox"u8);
        w.WriteNumberValue(x1);
        w.WriteNumberValue(y1);
        w.WriteNumberValue(x2);
        w.WriteNumberValue(y2);
        w.WriteEndArray();
        w.WriteStartArray("bbox_xywh"u8);
        w.WriteNumberValue(x1);
        w.WriteNumberValue(y1);
        w.WriteNumberValue(x2 - x1);
        w.WriteNumberValue(y2 - y1);
        w.WriteEndArray();
        w.WriteNumber("score"u8, detections.Scores[k]);
        w.WriteNumber("label"u8, label);
        w.WriteString("class"u8, label >= 0 && label < classNames.Count ? classNames[(int)label] : string.Empty);
        w.WriteEndObject();
    }

    private static void Compact(Stream stream, Action<Utf8JsonWriter> write)
    {
        using var w = new Utf8JsonWriter(stream);
        write(w);
    }

    private static void Text(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
